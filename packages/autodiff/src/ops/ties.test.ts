/** @file Worked examples for the documented conventions at kinks and ties, and numerical stability. */
import { describe, expect, it } from 'vitest';
import { grad } from '../grad.js';
import { type Tensor, tensor } from '../tensor.js';
import * as ops from './index.js';

const f64 = { dtype: 'float64' } as const;

describe('ties and kinks', () => {
  it('max over axes shares the gradient evenly between tied maxima', () => {
    const g = grad((x: Tensor) => ops.max(x))(tensor([1, 3, 3, 2], f64));
    expect(g.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });

  it('min over an axis shares per row', () => {
    const g = grad((x: Tensor) => ops.sum(ops.min(x, 1)))(
      tensor(
        [
          [0, 0, 5],
          [1, 2, 3],
        ],
        f64,
      ),
    );
    expect(g.toArray()).toEqual([
      [0.5, 0.5, 0],
      [1, 0, 0],
    ]);
  });

  it('maximum and minimum split a tie ½ / ½', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => ops.sum(ops.maximum(a, b)), { argnums: [0, 1] })(
      tensor([1, 2, 3], f64),
      tensor([1, 5, 0], f64),
    );
    expect(ga.toArray()).toEqual([0.5, 0, 1]);
    expect(gb.toArray()).toEqual([0.5, 1, 0]);
  });

  it('maxPool2d sends the whole gradient to the first maximum of a window (row-major)', () => {
    const x = tensor(
      [
        [
          [
            [4, 4],
            [4, 1],
          ],
        ],
      ],
      f64,
    );
    expect(grad((y: Tensor) => ops.sum(ops.maxPool2d(y, 2)))(x).toArray()).toEqual([
      [
        [
          [1, 0],
          [0, 0],
        ],
      ],
    ]);
  });

  it('abs and relu have derivative 0 at 0', () => {
    expect(grad((x: Tensor) => ops.sum(ops.abs(x)))(tensor([0, -2, 2], f64)).toArray()).toEqual([0, -1, 1]);
    expect(grad((x: Tensor) => ops.sum(ops.relu(x)))(tensor([0, -2, 2], f64)).toArray()).toEqual([0, 0, 1]);
  });

  it('NaN propagates through values and gradients', () => {
    const x = tensor([Number.NaN, 1], f64);
    expect(Number.isNaN(ops.sum(ops.exp(x)).item())).toBe(true);
    expect(Number.isNaN((grad((y: Tensor) => ops.sum(ops.exp(y)))(x).toArray() as number[])[0]!)).toBe(true);
  });
});

describe('numerical stability at logits of magnitude 1e4', () => {
  const logits = tensor(
    [
      [1e4, -1e4, 0],
      [-1e4, -1e4 + 1, -1e4],
    ],
    { dtype: 'float32' },
  );

  it('softmax, logSoftmax and logSumExp stay finite and exact', () => {
    expect(ops.softmax(logits).toArray()).toEqual([
      [1, 0, 0],
      [Math.fround(1 / (2 + Math.E)), Math.fround(Math.E / (2 + Math.E)), Math.fround(1 / (2 + Math.E))],
    ]);
    const lse = ops.logSumExp(logits, 1).toArray() as number[];
    expect(lse[0]).toBe(1e4);
    expect(lse[1]).toBeCloseTo(-1e4 + 1 + Math.log(1 + 2 / Math.E), 2);
    const ls = ops.logSoftmax(logits).toArray() as number[][];
    expect(ls[0]![1]).toBe(-2e4);
  });

  it('their gradients are finite', () => {
    for (const f of [
      (x: Tensor) => ops.sum(ops.logSumExp(x, 1)),
      (x: Tensor) => ops.sum(ops.mul(ops.logSoftmax(x), 0.5)),
    ]) {
      const g = grad(f)(logits).data();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
  });

  it('logSumExp of all -Infinity is -Infinity, not NaN', () => {
    expect(ops.logSumExp(tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).item()).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });
});
