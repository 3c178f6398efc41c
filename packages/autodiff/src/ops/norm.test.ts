/** @file batchNorm with batch statistics: worked values, argument errors, and which outputs carry gradients. */
import { describe, expect, it } from 'vitest';
import { grad } from '../grad.js';
import { type Tensor, tensor } from '../tensor.js';
import * as ops from './index.js';

const f64 = { dtype: 'float64' } as const;
// x [N=2, C=2, L=2]: channel 0 holds 1, 3, 5, 7 (μ 4, σ² 5), channel 1 holds 2, 2, 2, 6 (μ 3, σ² 3).
const x = tensor(
  [
    [
      [1, 3],
      [2, 2],
    ],
    [
      [5, 7],
      [2, 6],
    ],
  ],
  f64,
);
const w = tensor([2, 1], f64);
const b = tensor([0.5, -1], f64);

describe('batchNorm', () => {
  it('normalises each channel with its batch mean and biased variance, then scales and shifts', () => {
    const { y, mean, variance } = ops.batchNorm(x, w, b, { eps: 0 });
    expect(mean.toArray()).toEqual([4, 3]);
    expect(variance.toArray()).toEqual([5, 3]);
    const want = [
      [(1 - 4) / Math.sqrt(5), (3 - 4) / Math.sqrt(5), (5 - 4) / Math.sqrt(5), (7 - 4) / Math.sqrt(5)].map(
        (v) => 2 * v + 0.5,
      ),
      [-1, -1, -1, 3].map((v) => v / Math.sqrt(3) - 1),
    ];
    const got = y.toArray() as number[][][];
    const flat = (c: number) => [got[0]![c]!, got[1]![c]!].flat();
    for (const c of [0, 1]) {
      for (const [i, v] of flat(c).entries()) expect(v).toBeCloseTo(want[c]![i]!, 12);
    }
  });

  it('adds eps to the variance (default 1e-5)', () => {
    const y0 = ops.batchNorm(x, w, b).y.toArray() as number[][][];
    expect(y0[0]![0]![0]!).toBeCloseTo((2 * -3) / Math.sqrt(5 + 1e-5) + 0.5, 12);
    const y1 = ops.batchNorm(x, w, b, { eps: 4 }).y.toArray() as number[][][];
    expect(y1[0]![0]![0]!).toBeCloseTo((2 * -3) / 3 + 0.5, 12);
  });

  it('returns statistics that carry no gradient', () => {
    const g = grad((t: Tensor) => {
      const { mean, variance } = ops.batchNorm(t, w, b);
      return ops.add(ops.sum(mean), ops.sum(variance));
    })(x);
    expect(Array.from(g.data())).toEqual(new Array(8).fill(0));
  });

  it('gives bias the summed cotangent and weight the summed cotangent times x̂', () => {
    const [gw, gb] = grad((ww: Tensor, bb: Tensor) => ops.sum(ops.batchNorm(x, ww, bb, { eps: 0 }).y), {
      argnums: [0, 1],
    })(w, b);
    expect(gb.toArray()).toEqual([4, 4]);
    // Σ x̂ over a channel is 0
    for (const v of gw.toArray() as number[]) expect(v).toBeCloseTo(0, 12);
  });

  it('names the argument that is wrong', () => {
    expect(() => ops.batchNorm(tensor([1, 2], f64), tensor([1], f64), tensor([0], f64))).toThrow(
      /batchNorm.*x.*\[2\].*expected \[N, C, \.\.\.\]/,
    );
    expect(() => ops.batchNorm(x, tensor([1, 2, 3], f64), b)).toThrow(/batchNorm.*weight.*\[3\].*expected \[2\]/);
    expect(() => ops.batchNorm(x, w, tensor([[0, 1]], f64))).toThrow(/batchNorm.*bias.*expected \[2\]/);
    expect(() => ops.batchNorm(x, w, tensor([0, 1]))).toThrow(/batchNorm.*bias.*float32 but x has float64/);
    expect(() => ops.batchNorm(x, w, b, { eps: -1 })).toThrow(/batchNorm.*eps.*-1/);
    expect(() => ops.batchNorm(tensor([1, 2], { shape: [1, 2], dtype: 'int32' }), w, b)).toThrow(/batchNorm.*x/);
  });
});
