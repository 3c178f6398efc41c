/**
 * @file The wasm runtime around the kernels: memory stays flat over a long run, threads are optional and
 * never block a job while they start, `destroy()` stops the backend, an idle backend does not keep Node
 * alive, and `createBackend('wasm')` finds it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { rand } from '../../test/arbitraries.js';
import type { Conv2dAttrs, KTensor, Pool2dAttrs, TypedArray } from '../backend.js';
import { backendNames, createBackend, defaultBackendName } from '../select.js';
import { createWasmBackend, type WasmBackend, wasmRelaxedSimdAvailable } from './index.js';
import { copyBytes, uninitialisedBuffer, type WasmBuffer } from './runtime.js';

function ready(b: WasmBackend): WasmBackend {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  while (b.stats().readyWorkers < b.threads - 1 && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
  return b;
}

/** One LeNet-like forward and backward pass through most kernel kinds; returns every tensor it made. */
function step(b: WasmBackend, batch: number): KTensor<WasmBuffer>[] {
  const made: KTensor<WasmBuffer>[] = [];
  const keep = <T extends KTensor<WasmBuffer>>(t: T): T => {
    made.push(t);
    return t;
  };
  const k = new Proxy(b.kernels, {
    get:
      (target, name) =>
      (...args: unknown[]) => {
        const r = (target[name as keyof typeof target] as (...a: unknown[]) => unknown)(...args);
        for (const t of 'data' in (r as object) ? [r] : Object.values(r as object)) keep(t as KTensor<WasmBuffer>);
        return r;
      },
  }) as WasmBackend['kernels'];
  const upload = (values: TypedArray, shape: number[]) => keep(b.upload(values, shape));
  const conv: Conv2dAttrs = { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 };
  const pool: Pool2dAttrs = { kernel: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1] };
  const x = upload(rand([batch, 1, 28, 28], 1).values, [batch, 1, 28, 28]);
  const w = upload(rand([6, 1, 5, 5], 2).values, [6, 1, 5, 5]);
  const y = k.unary('relu', k.conv2d(x, w, conv));
  const { indices: idx } = k.maxPool2d(y, pool);
  const flat = k.reduce('sum', y, [2, 3]);
  const logits = k.matmul(flat, upload(rand([6, 10], 3).values, [6, 10]), false, false);
  const p = k.softmax(k.binary('add', logits, upload(rand([10], 4).values, [10])), 1);
  k.conv2dBackpropFilter(x, y, [6, 1, 5, 5], conv);
  k.conv2dBackpropInput(y, w, [batch, 1, 28, 28], conv);
  expect(idx.shape).toEqual([batch, 6, 14, 14]);
  expect(p.shape).toEqual([batch, 10]);
  return made;
}

describe('wasm runtime', () => {
  it('memory stops growing: 200 steps whose tensors are disposed need no more than the first 10', () => {
    const b = ready(createWasmBackend({ threads: 2 }));
    const run = () => {
      for (const t of step(b, 16)) b.dispose(t);
    };
    try {
      for (let i = 0; i < 10; i++) run();
      const after10 = b.stats().memoryBytes;
      for (let i = 0; i < 190; i++) run();
      expect(b.stats().memoryBytes).toBe(after10);
      expect(after10).toBeLessThan(64 << 20);
      expect(b.stats().liveBlocks).toBe(0);
    } finally {
      b.destroy();
    }
  });

  it('runs jobs before its workers have started (the calling thread does them)', () => {
    const b = createWasmBackend({ threads: 2, minParallelNs: 0 });
    try {
      step(b, 4);
      expect(b.stats().jobs).toBeGreaterThan(0);
    } finally {
      b.destroy();
    }
  });

  it('works with one thread and no workers', () => {
    const b = createWasmBackend({ threads: 1 });
    step(b, 4);
    expect(b.stats().readyWorkers).toBe(0);
    expect(b.stats().parallelJobs).toBe(0);
    expect(b.mode).toBe('simd-fma-1-thread');
    b.destroy();
  });

  it('runs the module built for an ordinary memory (browsers without SharedArrayBuffer)', () => {
    const b = createWasmBackend({ threads: 1, memory: 'single' });
    const ref = createWasmBackend({ threads: 1 });
    step(b, 4);
    const x = rand([2, 3, 9, 9], 7).values;
    const w = rand([4, 3, 3, 3], 8).values;
    const attrs: Conv2dAttrs = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
    const run = (be: WasmBackend) =>
      be.read(be.kernels.conv2d(be.upload(x, [2, 3, 9, 9]), be.upload(w, [4, 3, 3, 3]), attrs));
    expect([...run(b)]).toEqual([...run(ref)]);
    ref.destroy();
    expect(() => createWasmBackend({ threads: 2, memory: 'single' })).toThrow(/threads need SharedArrayBuffer/);
  });

  it('throws after destroy() and on a bad thread count', () => {
    const b = createWasmBackend({ threads: 2 });
    b.destroy();
    expect(() => step(b, 2)).toThrow(/used after destroy/);
    expect(() => createWasmBackend({ threads: 0 })).toThrow(/threads must be an integer/);
    expect(() => createWasmBackend({ threads: 1.5 })).toThrow(/threads must be an integer/);
  });

  it('is registered as createBackend("wasm"), with threads from the options', () => {
    expect(backendNames()).toContain('wasm');
    const b = createBackend('wasm', { threads: 2 });
    expect(b.name).toBe('wasm');
    expect(b.mode).toBe('simd-fma-2-threads');
    (b as WasmBackend).destroy();
    const plain = createBackend('wasm', { threads: 2, fma: false });
    expect(plain.mode).toBe('simd-2-threads');
    (plain as WasmBackend).destroy();
  });

  it('runs the fused multiply-add build by default where relaxed SIMD validates (vitest.setup.ts turns it on in Node 20)', () => {
    expect(wasmRelaxedSimdAvailable()).toBe(true);
    const fma = createWasmBackend({ threads: 1 });
    const plain = createWasmBackend({ threads: 1, fma: false });
    const a = rand([37, 300], 3).values;
    const b = rand([300, 29], 4).values;
    const run = (be: WasmBackend) =>
      be.read(be.kernels.matmul(be.upload(a, [37, 300]), be.upload(b, [300, 29]), false, false));
    const [y1, y2] = [run(fma), run(plain)];
    // One rounding per multiply-add instead of two: the builds agree to float32 accumulation error.
    for (let i = 0; i < y1.length; i++) expect(Math.abs(y1[i]! - y2[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(y2[i]!)));
    fma.destroy();
    plain.destroy();
  });

  it('is the default backend in Node (SIMD, shared memory and worker_threads all work here)', () => {
    expect(defaultBackendName()).toBe('wasm');
    const b = createBackend(defaultBackendName(), { threads: 1 });
    expect(b.name).toBe('wasm');
    (b as WasmBackend).destroy();
  });

  it('keeps the calling thread free of late workers: every tile is counted once, whichever thread ran it', () => {
    const b = ready(createWasmBackend({ threads: 2, minParallelNs: 0 }));
    try {
      const x = b.upload(rand([96, 80], 5).values, [96, 80]);
      const y = b.upload(rand([80, 72], 6).values, [80, 72]);
      const want = b.read(b.kernels.matmul(x, y, false, false));
      for (let i = 0; i < 30; i++) expect(b.read(b.kernels.matmul(x, y, false, false))).toEqual(want);
      expect(b.stats().parallelJobs).toBe(31);
    } finally {
      b.destroy();
    }
  });

  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  it('an idle backend with workers does not keep Node alive (built dist)', () => {
    expect(existsSync(dist), 'dist/index.js is missing: run `pnpm build` first').toBe(true);
    const script = `
      const { createWasmBackend } = await import(${JSON.stringify(dist)});
      const b = createWasmBackend({ threads: 2, minParallelNs: 0 });
      await new Promise((r) => setTimeout(r, 200));
      const x = b.upload(new Float32Array(256 * 256).fill(1), [256, 256]);
      const y = b.kernels.matmul(x, x, false, false);
      console.log('done', b.read(y)[0], b.stats().parallelJobs);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, encoding: 'utf8' });
    expect(r.error, 'the process did not exit by itself').toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('done 256 1');
  });

  it('without relaxed SIMD (Node 20 without the flag) runs the plain build, and fma: true says why it cannot (built dist)', () => {
    expect(existsSync(dist), 'dist/index.js is missing: run `pnpm build` first').toBe(true);
    const script = `
      const { createWasmBackend, wasmRelaxedSimdAvailable } = await import(${JSON.stringify(dist)});
      const b = createWasmBackend({ threads: 1 });
      let error = null;
      try { createWasmBackend({ threads: 1, fma: true }).destroy(); } catch (e) { error = e.message; }
      console.log(JSON.stringify({ available: wasmRelaxedSimdAvailable(), mode: b.mode, error }));
      b.destroy();
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { available: boolean; mode: string; error: string | null };
    if (got.available) {
      // Node ≥ 22: relaxed SIMD is on by default.
      expect(got).toEqual({ available: true, mode: 'simd-fma-1-thread', error: null });
    } else {
      expect(got.mode).toBe('simd-1-thread');
      expect(got.error).toMatch(/fma needs WebAssembly relaxed SIMD .*--experimental-wasm-relaxed-simd/);
    }
  });

  it('copyBytes copies exact bits (NaN payloads too) at any length and offset, to and from shared memory', () => {
    const shared = new SharedArrayBuffer(256);
    const plain = new ArrayBuffer(256);
    const src = new Uint8Array(plain);
    for (let i = 0; i < src.length; i++) src[i] = (i * 37 + 11) & 255;
    // A float64 signalling-NaN pattern and a float32 NaN with a payload, where canonicalising would show.
    new DataView(plain).setUint32(64, 0x7ff00001, true);
    new DataView(plain).setUint32(68, 0x7ff40001, true);
    new DataView(plain).setUint32(72, 0x7fa00005, true);
    for (const [dstOff, srcOff, bytes] of [
      [0, 0, 256],
      [8, 64, 100],
      [16, 8, 13],
      [4, 8, 40],
      [3, 5, 77],
      [0, 0, 0],
    ] as const) {
      new Uint8Array(shared).fill(0);
      copyBytes(shared, dstOff, plain, srcOff, bytes);
      const out = new ArrayBuffer(bytes);
      copyBytes(out, 0, shared, dstOff, bytes);
      expect([...new Uint8Array(out)]).toEqual([...src.subarray(srcOff, srcOff + bytes)]);
      const inShared = new Uint8Array(shared);
      expect(inShared[dstOff + bytes] ?? 0).toBe(0);
      if (dstOff > 0) expect(inShared[dstOff - 1]).toBe(0);
    }
  });

  it('uninitialisedBuffer gives each caller its own buffer of exactly the size asked (Node: Buffer.allocUnsafeSlow)', () => {
    const spy = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      // Small sizes are where Buffer.allocUnsafe would hand out slices of one shared pool.
      const bufs = [0, 4, 12, 64, 4096, 1 << 20].map((n) => uninitialisedBuffer(n));
      expect(bufs.map((b) => b.byteLength)).toEqual([0, 4, 12, 64, 4096, 1 << 20]);
      expect(bufs.every((b) => b instanceof ArrayBuffer)).toBe(true);
      const views = bufs.map((b) => new Uint8Array(b));
      for (const [i, v] of views.entries()) v.fill(i + 1);
      expect(views.map((v, i) => v.every((x) => x === i + 1))).toEqual(views.map(() => true));
      expect(spy).toHaveBeenCalledTimes(5); // every size but 0 took the uninitialised path
    } finally {
      spy.mockRestore();
    }
  });
});
