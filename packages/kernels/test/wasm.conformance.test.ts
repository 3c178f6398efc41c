/**
 * @file The shared conformance suite on the wasm backend: one thread with the default blocking, two
 * threads with the default blocking, and two threads with tiny blocks and no minimum job size, so the small
 * shapes of the suite span many tiles, K slices and both threads (every edge path of the GEMM packers).
 */
import { expect, it } from 'vitest';
import { createWasmBackend, TINY_TUNING, type WasmBackend, type WasmBackendOptions } from '../src/wasm/index.js';
import { describeConformance } from './conformance.js';

/** Blocks (the test thread may: Node) until the backend's workers listen, so jobs really are shared. */
function withWorkersReady(b: WasmBackend): WasmBackend {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  while (b.stats().readyWorkers < b.threads - 1 && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
  return b;
}

// Both builds: plain SIMD, and relaxed SIMD with fused multiply-add (vitest.setup.ts enables it on Node 20).
const CONFIGS: readonly [string, WasmBackendOptions, string][] = [
  ['1 thread', { threads: 1, fma: false }, 'simd-1-thread'],
  ['2 threads', { threads: 2, fma: false }, 'simd-2-threads'],
  ['2 threads, tiny tiles', { threads: 2, fma: false, tuning: TINY_TUNING, minParallelNs: 0 }, 'simd-2-threads'],
  ['fma, 1 thread', { threads: 1, fma: true }, 'simd-fma-1-thread'],
  [
    'fma, 2 threads, tiny tiles',
    { threads: 2, fma: true, tuning: TINY_TUNING, minParallelNs: 0 },
    'simd-fma-2-threads',
  ],
];

for (const [label, options, mode] of CONFIGS) {
  describeConformance(`wasm (${label})`, () => withWorkersReady(createWasmBackend(options)), {
    numRuns: 20,
    mode,
    teardown: (b) => b.destroy(),
  });
}

it('the tiny-tile configuration really runs jobs on both threads', () => {
  const b = withWorkersReady(createWasmBackend({ threads: 2, tuning: TINY_TUNING, minParallelNs: 0 }));
  try {
    const x = b.upload(new Float32Array(64 * 64).fill(1), [64, 64]);
    b.kernels.matmul(x, x, false, false);
    expect(b.stats().readyWorkers).toBe(1);
    expect(b.stats().parallelJobs).toBe(1);
    // The worker claims tiles unless the OS keeps it off the CPU for a whole job (a busy machine): jobs
    // of a few milliseconds each, for up to 10 s, settle it.
    const big = b.upload(new Float32Array(256 * 256).fill(1), [256, 256]);
    const deadline = Date.now() + 10_000;
    while (b.stats().helperTiles === 0 && Date.now() < deadline) b.kernels.matmul(big, big, false, false);
    expect(b.stats().helperTiles).toBeGreaterThan(0);
  } finally {
    b.destroy();
  }
});
