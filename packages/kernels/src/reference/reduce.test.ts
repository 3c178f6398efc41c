/** @file Reductions: worked examples, NaN conventions, float32 accumulation, softmax stability at 1e4. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DType, FloatDType, Shape } from '../backend.js';
import { allocate, sizeOf, stridesOf } from '../shape.js';
import { argReduce, logSoftmax, reduce, softmax } from './reduce.js';
import type { RTensor } from './tensor.js';

const t = (values: readonly number[], shape: Shape, dtype: DType = 'float64'): RTensor => {
  const data = allocate(dtype, values.length);
  data.set(values);
  return { data, shape, dtype };
};
const vals = (x: RTensor): number[] => Array.from(x.data);
const FLOATS: readonly FloatDType[] = ['float32', 'float64'];
const NaN_ = Number.NaN;

describe('reduce', () => {
  const x = [1, 2, 3, 4, 5, 6]; // [[1, 2, 3], [4, 5, 6]]
  it.each(FLOATS)('sums, maxes and mins over chosen axes (%s)', (dtype) => {
    const a = t(x, [2, 3], dtype);
    expect(vals(reduce('sum', a, [0]))).toEqual([5, 7, 9]);
    expect(vals(reduce('sum', a, [1]))).toEqual([6, 15]);
    expect(vals(reduce('max', a, [1]))).toEqual([3, 6]);
    expect(vals(reduce('min', a, [0]))).toEqual([1, 2, 3]);
    expect(reduce('sum', a, [0]).dtype).toBe(dtype);
  });

  it('reduces over all axes to rank 0', () => {
    const y = reduce('sum', t(x, [2, 3]), [0, 1]);
    expect(y.shape).toEqual([]);
    expect(vals(y)).toEqual([21]);
  });

  it('is a fresh copy over an empty axes list', () => {
    const a = t(x, [2, 3]);
    const y = reduce('max', a, []);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual(x);
    expect(y.data).not.toBe(a.data);
  });

  it('reduces non-adjacent axes of a rank-3 tensor', () => {
    // x[i, j, k] = 100 i + 10 j + k with shape [2, 3, 2]; sum over i and k.
    const v: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) v.push(100 * i + 10 * j + k);
    const y = reduce('sum', t(v, [2, 3, 2]), [0, 2]);
    expect(y.shape).toEqual([3]);
    expect(vals(y)).toEqual([202, 242, 282]);
  });

  it('accumulates float32 sums in double and rounds once', () => {
    // In float32 arithmetic 2^24 + 1 + 1 stays 2^24; the double sum 2^24 + 2 is representable.
    expect(vals(reduce('sum', t([2 ** 24, 1, 1], [3], 'float32'), [0]))).toEqual([2 ** 24 + 2]);
  });

  it('propagates NaN through sum, max and min; returns the identity on an empty axis', () => {
    const a = t([1, NaN_, 3, -Infinity], [4]);
    for (const op of ['sum', 'max', 'min'] as const) expect(vals(reduce(op, a, [0]))).toEqual([NaN_]);
    expect(vals(reduce('max', t([NaN_, 5], [2]), [0]))).toEqual([NaN_]);
    const empty = t([], [0, 2]);
    expect(vals(reduce('sum', empty, [0]))).toEqual([0, 0]);
    expect(vals(reduce('max', empty, [0]))).toEqual([-Infinity, -Infinity]);
  });

  it('rejects unsorted or out-of-range axes', () => {
    expect(() => reduce('sum', t(x, [2, 3]), [1, 0])).toThrow(/^reference\.reduce: /);
    expect(() => reduce('sum', t(x, [2, 3]), [2])).toThrow(/^reference\.reduce: axis 2/);
  });

  const arbCase = fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })
    .chain((shape) => fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, i) => i))));
  test.prop([arbCase])('sum matches a per-element definition', ([shape, axes]) => {
    const n = sizeOf(shape);
    const x = t(
      Array.from({ length: n }, (_, i) => (i * 7919) % 101),
      shape,
    );
    const y = reduce('sum', x, axes);
    const outShape = shape.filter((_, a) => !axes.includes(a));
    expect(y.shape).toEqual(outShape);
    const want = new Array<number>(sizeOf(outShape)).fill(0);
    const s = stridesOf(shape);
    const so = stridesOf(outShape);
    for (let i = 0; i < n; i++) {
      let j = 0;
      let b = 0;
      shape.forEach((d, a) => {
        if (!axes.includes(a)) j += (Math.floor(i / s[a]!) % d) * so[b++]!;
      });
      want[j]! += x.data[i]!;
    }
    expect(vals(y)).toEqual(want);
  });
});

describe('argReduce', () => {
  it('returns int32 indices of the first max/min along an axis', () => {
    const a = t([3, 1, 3, 0, 5, 0], [2, 3]); // rows [3, 1, 3], [0, 5, 0]
    const am = argReduce('argmax', a, 1);
    expect(am.dtype).toBe('int32');
    expect(am.data).toBeInstanceOf(Int32Array);
    expect(vals(am)).toEqual([0, 1]);
    expect(vals(argReduce('argmin', a, 1))).toEqual([1, 0]);
    expect(vals(argReduce('argmax', a, 0))).toEqual([0, 1, 0]);
  });

  it('works along a middle axis', () => {
    // x[i, j, k] with shape [1, 3, 2]: columns k=0: [1, 9, 4], k=1: [8, 2, 8]
    const y = argReduce('argmax', t([1, 8, 9, 2, 4, 8], [1, 3, 2]), 1);
    expect(y.shape).toEqual([1, 2]);
    expect(vals(y)).toEqual([1, 0]);
  });

  it('picks the first NaN, as NumPy does', () => {
    expect(vals(argReduce('argmax', t([1, NaN_, 7, NaN_], [4]), 0))).toEqual([1]);
    expect(vals(argReduce('argmin', t([NaN_, -7], [2]), 0))).toEqual([0]);
  });
});

describe('softmax and logSoftmax', () => {
  it.each(FLOATS)('give worked values along the last axis (%s)', (dtype) => {
    const y = softmax(t([0, Math.log(2), Math.log(3), 5, 5, 5], [2, 3], dtype), 1);
    const tol = dtype === 'float64' ? 1e-15 : 1e-7;
    [1 / 6, 2 / 6, 3 / 6, 1 / 3, 1 / 3, 1 / 3].forEach((w, i) => {
      expect(Math.abs(y.data[i]! - w)).toBeLessThan(tol);
    });
    const l = logSoftmax(t([1, 1], [2], dtype), 0);
    vals(l).forEach((v) => {
      expect(Math.abs(v + Math.LN2)).toBeLessThan(tol);
    });
  });

  it('works along a non-last axis', () => {
    const y = softmax(t([0, 1, 0, 1], [2, 2]), 0); // columns [0, 0] and [1, 1]
    expect(vals(y)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it.each(FLOATS)('is exact for logits of magnitude 1e4 (%s)', (dtype) => {
    const x = t([1e4, 0, -1e4, 1e4, 1e4, -1e4], [2, 3], dtype);
    expect(vals(softmax(x, 1))).toEqual([1, 0, 0, 0.5, 0.5, 0]);
    const l = vals(logSoftmax(x, 1));
    expect(l.slice(0, 3)).toEqual([0, -1e4, -2e4]);
    expect(l[3]).toBeCloseTo(-Math.LN2, 6);
    expect(l[5]).toBeCloseTo(-2e4 - Math.LN2, 2);
    expect(l.every(Number.isFinite)).toBe(true);
  });

  it('propagates NaN within its line only', () => {
    const y = vals(softmax(t([NaN_, 0, 0, 0], [2, 2]), 1));
    expect(y.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(y.slice(2)).toEqual([0.5, 0.5]);
  });

  test.prop([fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 8 })])(
    'softmax sums to 1 and logSoftmax equals its log',
    (row) => {
      const x = t(row, [row.length]);
      const s = vals(softmax(x, 0));
      expect(Math.abs(s.reduce((p, v) => p + v, 0) - 1)).toBeLessThan(1e-12);
      vals(logSoftmax(x, 0)).forEach((l, i) => {
        if (s[i]! > 1e-300) expect(Math.abs(l - Math.log(s[i]!))).toBeLessThan(1e-12 * Math.max(1, Math.abs(l)));
      });
    },
  );
});
