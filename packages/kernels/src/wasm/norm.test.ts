/**
 * @file The wasm batch-norm kernels beyond the conformance suite: float32 runs in wasm (one job per call),
 * float64 runs the reference loops (bit for bit), and mismatched shapes name the kernel and argument.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rand } from '../../test/arbitraries.js';
import { reference } from '../reference/index.js';
import { createWasmBackend } from './index.js';

const b = createWasmBackend({ threads: 2 });
afterAll(() => b.destroy());

describe('wasm batchNorm and batchNormBackward', () => {
  it('run float32 in wasm, one job each', () => {
    const up = (shape: number[], seed: number) => b.upload(rand(shape, seed).values, shape);
    const [x, w, bias, dy] = [up([4, 3, 5, 5], 1), up([3], 2), up([3], 3), up([4, 3, 5, 5], 4)];
    const jobs = b.stats().jobs;
    const f = b.kernels.batchNorm(x, w, bias, 1e-5);
    expect(b.stats().jobs).toBe(jobs + 1);
    b.kernels.batchNormBackward(dy, x, w, f.mean, f.variance, 1e-5);
    expect(b.stats().jobs).toBe(jobs + 2);
  });

  it('run float64 on the reference loops, with the same bits', () => {
    const host = (shape: number[], seed: number) => rand(shape, seed, undefined, 'float64').values;
    const [x, w, bias, dy] = [host([2, 3, 4], 1), host([3], 2), host([3], 3), host([2, 3, 4], 4)];
    const jobs = b.stats().jobs;
    const run = (k: typeof reference) => {
      const up = (v: Float64Array | Int32Array | Float32Array, s: number[]) => k.upload(v, s);
      const [xt, wt] = [up(x, [2, 3, 4]), up(w, [3])];
      const f = k.kernels.batchNorm(xt, wt, up(bias, [3]), 1e-3);
      const g = k.kernels.batchNormBackward(up(dy, [2, 3, 4]), xt, wt, f.mean, f.variance, 1e-3);
      return [f.y, f.mean, f.variance, g.dx, g.dWeight, g.dBias].map((t) => [...k.read(t)]);
    };
    expect(run(b as unknown as typeof reference)).toEqual(run(reference));
    expect(b.stats().jobs).toBe(jobs);
  });

  it('name the kernel and the argument on a shape mismatch', () => {
    const x = b.upload(new Float32Array(12), [2, 3, 2]);
    const c3 = b.upload(new Float32Array(3), [3]);
    const c2 = b.upload(new Float32Array(2), [2]);
    expect(() => b.kernels.batchNorm(x, c2, c3, 1e-5)).toThrow(/wasm\.batchNorm: weight \[2\] must be \[3\]/);
    expect(() => b.kernels.batchNormBackward(c3, x, c3, c3, c3, 1e-5)).toThrow(
      /wasm\.batchNormBackward: dy float32 \[3\] must match x float32 \[2,3,2\]/,
    );
    expect(() => b.kernels.batchNorm(c3, c3, c3, 1e-5)).toThrow(/wasm\.batchNorm: x \[3\] needs rank ≥ 2/);
  });
});
