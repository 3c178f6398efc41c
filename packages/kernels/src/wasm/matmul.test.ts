/**
 * @file wasm matmul against the reference: edge shapes around the 4x8 micro-kernel and the cache blocks,
 * K = 0 and K far past one KC slice, all transposes, broadcast batches, and bit-identical results for any
 * thread count (every output is summed in the same order whatever the tiling).
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { rand } from '../../test/arbitraries.js';
import type { Backend, Shape, TypedArray } from '../backend.js';
import { reference } from '../reference/index.js';
import { createWasmBackend, TINY_TUNING, type WasmBackend } from './index.js';

/** Blocks until the workers listen, so that jobs really are shared between threads. */
function ready(b: WasmBackend): WasmBackend {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  while (b.stats().readyWorkers < b.threads - 1 && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
  return b;
}

const one = createWasmBackend({ threads: 1 });
const two = ready(createWasmBackend({ threads: 2, minParallelNs: 0 }));
const tiny = ready(createWasmBackend({ threads: 2, tuning: TINY_TUNING, minParallelNs: 0 }));
afterAll(() => {
  for (const b of [one, two, tiny]) b.destroy();
});

/** Largest `|got - want| / (atol + rtol·|want|)`; ≤ 1 means within tolerance. */
function worst(got: TypedArray, want: TypedArray, rtol: number, atol: number): number {
  expect(got.length).toBe(want.length);
  let w = 0;
  for (let i = 0; i < want.length; i++)
    w = Math.max(w, Math.abs(got[i]! - want[i]!) / (atol + rtol * Math.abs(want[i]!)));
  return w;
}

interface Out {
  readonly shape: Shape;
  readonly dtype: string;
  readonly data: TypedArray;
}

function product(b: Backend, aShape: Shape, bShape: Shape, ta: boolean, tb: boolean, seed: number): Out {
  const x = rand(aShape, seed);
  const y = rand(bShape, seed + 1);
  const out = b.kernels.matmul(b.upload(x.values, aShape), b.upload(y.values, bShape), ta, tb);
  return { shape: out.shape, dtype: out.dtype, data: b.read(out) };
}

function expectMatches(aShape: Shape, bShape: Shape, ta: boolean, tb: boolean, seed: number, big = false): void {
  const want = product(reference, aShape, bShape, ta, tb, seed);
  for (const b of [one, two, tiny]) {
    const got = product(b, aShape, bShape, ta, tb, seed);
    expect(got.shape).toEqual(want.shape);
    expect(got.dtype).toBe('float32');
    expect(worst(got.data, want.data, big ? 1e-2 : 1e-3, big ? 1e-3 : 1e-4)).toBeLessThanOrEqual(1);
  }
}

const dims = (m: number, k: number, n: number, ta: boolean, tb: boolean): [Shape, Shape] => [
  ta ? [k, m] : [m, k],
  tb ? [n, k] : [k, n],
];

describe('wasm matmul', () => {
  it('1x1x1', () => expectMatches([1, 1], [1, 1], false, false, 1));

  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`sizes off every block boundary (ta=${ta}, tb=${tb})`, () => {
      for (const [m, k, n] of [
        [3, 5, 7],
        [4, 8, 8],
        [5, 9, 9],
        [65, 257, 33],
        [70, 300, 90],
      ] as const) {
        const [a, b] = dims(m, k, n, ta, tb);
        expectMatches(a, b, ta, tb, m * 31 + n, k >= 256);
      }
    });
  }

  it('K = 0 gives zeros of the right shape', () => {
    for (const b of [one, tiny]) {
      const y = b.kernels.matmul(
        b.upload(new Float32Array(0), [3, 0]),
        b.upload(new Float32Array(0), [0, 5]),
        false,
        false,
      );
      expect(y.shape).toEqual([3, 5]);
      expect([...b.read(y)]).toEqual(new Array(15).fill(0));
    }
  });

  it('empty M or N gives an empty result', () => {
    const y = one.kernels.matmul(
      one.upload(new Float32Array(0), [0, 4]),
      one.upload(new Float32Array(8), [4, 2]),
      false,
      false,
    );
    expect(y.shape).toEqual([0, 2]);
  });

  it('huge K (6000: many KC slices) within the large-reduction tolerance', () => {
    expectMatches([3, 6000], [6000, 10], false, false, 7, true);
    expectMatches([6000, 3], [10, 6000], true, true, 8, true);
  });

  it('batched with broadcast batch dims (per-entry offset tables)', () => {
    expectMatches([2, 1, 3, 5, 7], [3, 7, 6], false, false, 3);
    expectMatches([1, 5, 7], [4, 6, 7], false, true, 4);
    expectMatches([2, 3, 9, 5], [2, 1, 9, 6], true, false, 5);
  });

  test.prop(
    [
      fc.record({
        m: fc.integer({ min: 1, max: 40 }),
        k: fc.integer({ min: 1, max: 40 }),
        n: fc.integer({ min: 1, max: 40 }),
        batch: fc.integer({ min: 1, max: 3 }),
        ta: fc.boolean(),
        tb: fc.boolean(),
        seed: fc.nat(1000),
      }),
    ],
    { numRuns: 30 },
  )('random shapes agree with the reference', ({ m, k, n, batch, ta, tb, seed }) => {
    const [a, b] = dims(m, k, n, ta, tb);
    expectMatches([batch, ...a], [batch, ...b], ta, tb, seed);
  });

  it('gives bit-identical results on 1 and 2 threads', () => {
    const y1 = product(one, [2, 150, 300], [300, 170], false, false, 9);
    const y2 = product(two, [2, 150, 300], [300, 170], false, false, 9);
    expect(two.stats().parallelJobs).toBeGreaterThan(0);
    expect(Buffer.from(y2.data.buffer).equals(Buffer.from(y1.data.buffer))).toBe(true);
  });

  it('float64 and int32 run the reference loops (exactly the reference results)', () => {
    const a = new Float64Array([1.5, 2, 3, 4, 5, 6]);
    const b = new Float64Array([1, 2, 3, 4, 5, 6]);
    const got = one.kernels.matmul(one.upload(a, [2, 3]), one.upload(b, [3, 2]), false, false);
    const want = reference.kernels.matmul(reference.upload(a, [2, 3]), reference.upload(b, [3, 2]), false, false);
    expect(got.dtype).toBe('float64');
    expect([...one.read(got)]).toEqual([...want.data]);
    const jobs = one.stats().jobs;
    one.kernels.matmul(
      one.upload(new Int32Array([1, 2]), [1, 2]),
      one.upload(new Int32Array([3, 4]), [2, 1]),
      false,
      false,
    );
    expect(one.stats().jobs).toBe(jobs);
  });

  it('rejects mismatched inner dims naming the kernel', () => {
    expect(() => product(one, [2, 3], [4, 2], false, false, 1)).toThrow(/wasm\.matmul: inner dims differ/);
  });
});
