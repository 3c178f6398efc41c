/**
 * @file Tensors resident in wasm memory: kernels read and write there without copies, released buffers
 * are refused by name, the heap reuses blocks, running out of memory says what is live, and buffers the
 * garbage collector finds unreachable go back to the heap.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Conv2dAttrs } from '../backend.js';
import { blockSize, type GrowableMemory, Heap, PAGE } from './heap.js';
import { createWasmBackend } from './index.js';

const conv: Conv2dAttrs = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
const MiB = 1 << 20;

describe('resident tensors', () => {
  it('a chain of kernels copies nothing between JS and wasm until a result is read', () => {
    const b = createWasmBackend({ threads: 1 });
    try {
      const k = b.kernels;
      const x = b.upload(new Float32Array(2 * 3 * 8 * 8).fill(0.5), [2, 3, 8, 8]);
      const w = b.upload(new Float32Array(4 * 3 * 3 * 3).fill(0.1), [4, 3, 3, 3]);
      const before = b.stats();
      expect(before.copiesIn).toBe(2);
      const y = k.unary('relu', k.conv2d(x, w, conv));
      const bn = k.batchNorm(y, b.upload(new Float32Array(4).fill(1), [4]), b.upload(new Float32Array(4), [4]), 1e-5);
      const s = k.reduce('sum', k.binary('mul', bn.y, bn.y), [0, 1, 2, 3]);
      const idx = b.upload(new Int32Array(16), [2, 8]);
      k.scatterAddAlongAxis(k.takeAlongAxis(k.broadcastTo(s, [2, 8]), idx, 1), idx, 1, 8);
      const mid = b.stats();
      expect(mid.copiesIn).toBe(5); // the uploads above, nothing else
      expect(mid.copiesOut).toBe(0);
      expect(b.read(s).length).toBe(1);
      expect(b.stats().copiesOut).toBe(1);
      expect(b.stats().bytesOut).toBe(4);
    } finally {
      b.destroy();
    }
  });

  it('a released tensor is refused, naming the kernel, and never read', () => {
    const b = createWasmBackend({ threads: 1 });
    try {
      const x = b.upload(Float32Array.of(1, 2, 3), [3]);
      b.dispose(x);
      b.dispose(x); // twice is harmless
      expect(() => b.kernels.unary('exp', x)).toThrow(/^wasm\.unary: an input tensor was released/);
      expect(() => b.kernels.binary('add', x, x)).toThrow(/^wasm\.binary: an input tensor was released/);
      expect(() => b.read(x)).toThrow(/^wasm\.read: an input tensor was released/);
      // float64 runs JavaScript over views: refused the same way
      const d = b.upload(Float64Array.of(1, 2), [2]);
      b.dispose(d);
      expect(() => b.kernels.unary('exp', d)).toThrow(/^wasm\.unary: an input tensor was released/);
    } finally {
      b.destroy();
    }
  });

  it('disposed blocks are reused: the same shapes again need no more memory', () => {
    const b = createWasmBackend({ threads: 1 });
    try {
      const round = () => {
        const a = b.upload(new Float32Array(100_000), [100_000]);
        const c = b.kernels.unary('exp', a);
        b.dispose(a);
        b.dispose(c);
      };
      round();
      const high = b.stats().highWaterBytes;
      for (let i = 0; i < 50; i++) round();
      expect(b.stats().highWaterBytes).toBe(high);
      expect(b.stats().liveBlocks).toBe(0);
    } finally {
      b.destroy();
    }
  });

  it('running out of memory throws an error that says what was asked, what is live and what to do', () => {
    const b = createWasmBackend({ threads: 1, maxBytes: 16 * MiB });
    const held = [];
    try {
      let message = '';
      try {
        for (let i = 0; i < 100; i++) held.push(b.upload(new Float32Array(MiB / 4), [MiB / 4]));
      } catch (e) {
        message = (e as Error).message;
      }
      expect(held.length).toBeGreaterThan(10);
      expect(held.length).toBeLessThan(16);
      expect(message).toMatch(/^wasm backend: out of memory: asked for 1\.0 MiB with 1\d\.\d MiB live in 1\d buffers/);
      expect(message).toMatch(/Lower the batch size, or run each step inside scope/);
      // Releasing makes room again, for a larger tensor too (the released blocks were at the top).
      for (const t of held) b.dispose(t);
      expect(() => b.upload(new Float32Array(MiB), [MiB])).not.toThrow();
    } finally {
      b.destroy();
    }
  });

  it('blocks unreachable from JS return to the heap (FinalizationRegistry, built dist, node --expose-gc)', () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    expect(existsSync(dist), 'dist/index.js is missing: run `pnpm build` first').toBe(true);
    const script = `
      const { createWasmBackend } = await import(${JSON.stringify(dist)});
      const b = createWasmBackend({ threads: 1 });
      const x = b.upload(new Float32Array(1 << 18), [1 << 18]);
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 20; i++) b.kernels.unary('exp', x); // 1 MiB each, dropped at once
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 0)); // finalizers run between tasks
      }
      const s = b.stats();
      console.log(JSON.stringify({ live: s.liveBlocks, high: s.highWaterBytes }));
      b.destroy();
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      timeout: 60_000,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const { live, high } = JSON.parse(r.stdout.trim()) as { live: number; high: number };
    // 400 MiB were made; with the collector returning blocks, a few rounds' worth is ever held.
    expect(high).toBeLessThan(100 * MiB);
    expect(live).toBeLessThanOrEqual(21);
  });

  it('without --expose-gc, a loop that awaits between steps and releases nothing stays bounded (built dist)', () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    expect(existsSync(dist), 'dist/index.js is missing: run `pnpm build` first').toBe(true);
    // 800 steps of 4 MiB each: 3.1 GiB if nothing were collected (as happened before buffers held
    // ArrayBuffer pressure for the collector to see).
    const script = `
      const { createWasmBackend } = await import(${JSON.stringify(dist)});
      const b = createWasmBackend({ threads: 1 });
      const x = b.upload(new Float32Array(1 << 20), [1 << 20]);
      for (let i = 0; i < 800; i++) {
        b.kernels.unary('exp', x);
        await new Promise((r) => setImmediate(r));
      }
      console.log(JSON.stringify({ high: b.stats().highWaterBytes }));
      b.destroy();
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 120_000,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const { high } = JSON.parse(r.stdout.trim()) as { high: number };
    expect(high).toBeLessThan(768 * MiB); // measured: 276-284 MiB
  });
});

/** A stand-in for a WebAssembly.Memory of `n` pages (the heap only reads `buffer` and calls `grow`). */
function pages(n: number): GrowableMemory {
  let buffer = new ArrayBuffer(n * PAGE);
  return {
    get buffer() {
      return buffer;
    },
    grow(more: number) {
      const before = buffer.byteLength / PAGE;
      buffer = new ArrayBuffer(buffer.byteLength + more * PAGE);
      return before;
    },
  };
}

describe('heap', () => {
  it('size classes: multiples of 64 up to 512, then eight per doubling (at most 12.5% waste)', () => {
    expect([1, 64, 65, 512, 513, 1024, 1025, 4096, 4097].map(blockSize)).toEqual([
      64, 64, 128, 512, 576, 1024, 1152, 4096, 4608,
    ]);
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.37)) {
      const s = blockSize(bytes);
      expect(s).toBeGreaterThanOrEqual(bytes);
      expect(s % 64).toBe(0);
      if (bytes > 512) expect(s / bytes).toBeLessThanOrEqual(1.125);
    }
  });

  it('reuses a freed block of the class, refuses a double release, and reports usage', () => {
    let grown = 0;
    const memory = pages(1);
    const heap = new Heap(memory, 64, () => grown++);
    const a = heap.alloc(1000);
    const c = heap.alloc(100_000);
    expect(grown).toBe(1);
    expect(heap.usage()).toEqual({ liveBytes: 1024 + 106496, liveBlocks: 2, freeBytes: 0, highWaterBytes: 107520 });
    heap.release(a);
    expect(heap.alloc(1020)).toBe(a);
    expect(() => heap.release(c + 64)).toThrow(/not a live block/);
    heap.release(c);
    expect(() => heap.release(c)).toThrow(/not a live block/);
  });

  it('when full, takes a free block of a larger class before giving up', () => {
    const memory = pages(1);
    const heap = new Heap(memory, 0, () => {}, 4096);
    const big = heap.alloc(2048);
    heap.alloc(2048);
    heap.release(big);
    expect(heap.alloc(1500)).toBe(big); // class 1536 is empty and the memory full: the 2048 block serves
    expect(() => heap.alloc(64)).toThrow(/out of memory: asked for 0\.0 MiB with 0\.0 MiB live in 2 buffers/);
  });
});
