/** @file Movement kernels: worked examples, round trips, and take/scatter adjointness. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DType, Pair, Shape } from '../backend.js';
import { allocate, sizeOf } from '../shape.js';
import { broadcastTo, concat, oneHot, pad, scatterAddAlongAxis, slice, takeAlongAxis, transpose } from './movement.js';
import type { RTensor } from './tensor.js';

const t = (values: ArrayLike<number>, shape: Shape, dtype: DType = 'float64'): RTensor => {
  const data = allocate(dtype, values.length);
  data.set(Array.from(values));
  return { data, shape, dtype };
};
const vals = (x: RTensor): number[] => Array.from(x.data);
const randoms = (n: number, seed: number): number[] => {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
};
const iota = (shape: Shape, dtype: DType = 'float64'): RTensor =>
  t(
    Array.from({ length: sizeOf(shape) }, (_, i) => i),
    shape,
    dtype,
  );
const arbShape = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 });

describe('pad', () => {
  it('pads with a constant or replicates the edge', () => {
    const x = t([1, 2, 3], [3]);
    expect(vals(pad(x, [[2, 1]], 'constant', 9))).toEqual([9, 9, 1, 2, 3, 9]);
    expect(vals(pad(x, [[2, 1]], 'edge', 9))).toEqual([1, 1, 1, 2, 3, 3]);
  });

  it('replicates corners in 2-D edge mode and keeps the dtype', () => {
    const y = pad(
      t([1, 2, 3, 4], [2, 2], 'float32'),
      [
        [1, 0],
        [0, 1],
      ],
      'edge',
      0,
    );
    expect(y.shape).toEqual([3, 3]);
    expect(y.dtype).toBe('float32');
    expect(vals(y)).toEqual([1, 2, 2, 1, 2, 2, 3, 4, 4]);
  });

  it('rejects negative pads', () => {
    expect(() => pad(t([1], [1]), [[-1, 0]], 'constant', 0)).toThrow(/^reference\.pad: /);
  });

  const arbPads = arbShape.chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.tuple(...shape.map(() => fc.tuple(fc.nat(2), fc.nat(2)))),
      fc.constantFrom('constant' as const, 'edge' as const),
    ),
  );
  test.prop([arbPads])('slicing the padding away gives x back', ([shape, pads, mode]) => {
    const x = iota(shape);
    const y = pad(x, pads as Pair[], mode, -1);
    expect(y.shape).toEqual(shape.map((d, a) => d + pads[a]![0] + pads[a]![1]));
    expect(
      vals(
        slice(
          y,
          pads.map((p) => p[0]),
          shape,
        ),
      ),
    ).toEqual(vals(x));
  });
});

describe('slice and concat', () => {
  const x = iota([3, 4]); // rows [0..3], [4..7], [8..11]

  it('slices a block with begin and size', () => {
    const y = slice(x, [1, 1], [2, 2]);
    expect(y.shape).toEqual([2, 2]);
    expect(vals(y)).toEqual([5, 6, 9, 10]);
    expect(slice(x, [0, 2], [3, 0]).shape).toEqual([3, 0]);
    expect(() => slice(x, [2, 0], [2, 1])).toThrow(/^reference\.slice: /);
  });

  it('concatenates along an axis', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6], [2, 1]);
    const y = concat([a, b], 1);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([1, 2, 5, 3, 4, 6]);
    expect(vals(concat([a, t([7, 8], [1, 2])], 0))).toEqual([1, 2, 3, 4, 7, 8]);
    expect(() => concat([a, t([5, 6], [2, 1], 'float32')], 1)).toThrow(/^reference\.concat: /);
  });

  test.prop([arbShape, fc.nat(3), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 })])(
    'concat then slice returns each part',
    (shape, axisSeed, sizes) => {
      const axis = axisSeed % shape.length;
      const parts = sizes.map((s, i) =>
        t(
          randoms(sizeOf(shape.map((d, a) => (a === axis ? s : d))), i),
          shape.map((d, a) => (a === axis ? s : d)),
        ),
      );
      const y = concat(parts, axis);
      let start = 0;
      for (const p of parts) {
        const begin = shape.map((_, a) => (a === axis ? start : 0));
        expect(vals(slice(y, begin, p.shape))).toEqual(vals(p));
        start += p.shape[axis]!;
      }
    },
  );
});

describe('transpose and broadcastTo', () => {
  it('permutes axes', () => {
    const y = transpose(iota([2, 3]), [1, 0]);
    expect(y.shape).toEqual([3, 2]);
    expect(vals(y)).toEqual([0, 3, 1, 4, 2, 5]);
    const z = transpose(iota([2, 3, 4]), [2, 0, 1]); // z[k, i, j] = x[i, j, k] = 12i + 4j + k
    expect(z.shape).toEqual([4, 2, 3]);
    expect(z.data[1 * 6 + 1 * 3 + 2]).toBe(12 + 8 + 1);
    expect(() => transpose(iota([2, 3]), [0, 0])).toThrow(/^reference\.transpose: /);
  });

  test.prop([
    arbShape.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length }))),
  ])('the inverse permutation undoes a transpose', ([shape, perm]) => {
    const inv = perm.map((_, i) => perm.indexOf(i));
    const x = iota(shape);
    const y = transpose(x, perm);
    expect(y.shape).toEqual(perm.map((p) => shape[p]));
    const back = transpose(y, inv);
    expect(back.shape).toEqual(shape);
    expect(vals(back)).toEqual(vals(x));
  });

  it('broadcasts with NumPy rules, from rank 0 and size-1 dims', () => {
    expect(vals(broadcastTo(t([1, 2, 3], [3]), [2, 3]))).toEqual([1, 2, 3, 1, 2, 3]);
    expect(vals(broadcastTo(t([7], []), [2, 2]))).toEqual([7, 7, 7, 7]);
    expect(vals(broadcastTo(t([1, 2], [2, 1]), [2, 3]))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(broadcastTo(t([5], []), []).shape).toEqual([]);
    expect(() => broadcastTo(t([1, 2], [2]), [3])).toThrow(/^reference\.broadcastTo: cannot broadcast/);
    expect(() => broadcastTo(t([1, 2], [2]), [])).toThrow(/^reference\.broadcastTo: /);
  });
});

describe('takeAlongAxis, scatterAddAlongAxis, oneHot', () => {
  it('takes along an axis (worked example)', () => {
    const x = t([10, 11, 12, 20, 21, 22], [2, 3]);
    const idx = t([2, 0, 1, 1], [2, 2], 'int32');
    const y = takeAlongAxis(x, idx, 1);
    expect(y.shape).toEqual([2, 2]);
    expect(vals(y)).toEqual([12, 10, 21, 21]);
    expect(vals(takeAlongAxis(x, t([1, 0, 0], [1, 3], 'int32'), 0))).toEqual([20, 11, 12]);
  });

  it('scatter-adds with repeated indices', () => {
    const u = t([1, 2, 3, 4], [2, 2]);
    const idx = t([2, 0, 1, 1], [2, 2], 'int32');
    const y = scatterAddAlongAxis(u, idx, 1, 3);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([2, 0, 1, 0, 7, 0]);
  });

  it('rejects non-int32 and out-of-range indices', () => {
    const x = t([1, 2], [2]);
    expect(() => takeAlongAxis(x, t([0], [1]), 0)).toThrow(/^reference\.takeAlongAxis: idx must be int32/);
    expect(() => takeAlongAxis(x, t([2], [1], 'int32'), 0)).toThrow(/^reference\.takeAlongAxis: index 2/);
    expect(() => scatterAddAlongAxis(x, t([0, -1], [2], 'int32'), 0, 2)).toThrow(/index -1/);
    expect(() => oneHot(t([1], [1]), 3, 'float32')).toThrow(/^reference\.oneHot: /);
  });

  const arbTake = fc
    .record({
      shape: arbShape,
      axisSeed: fc.nat(3),
      m: fc.integer({ min: 1, max: 4 }),
      seed: fc.integer(),
    })
    .map(({ shape, axisSeed, m, seed }) => ({ shape, axis: axisSeed % shape.length, m, seed }));
  test.prop([arbTake])('<take(x, idx), u> = <x, scatterAdd(u, idx)>', ({ shape, axis, m, seed }) => {
    const x = t(randoms(sizeOf(shape), seed), shape);
    const idxShape = shape.map((d, a) => (a === axis ? m : d));
    const len = shape[axis]!;
    const idx = t(
      randoms(sizeOf(idxShape), seed + 1).map((r) => Math.floor(((r + 1) / 2) * len)),
      idxShape,
      'int32',
    );
    const u = t(randoms(sizeOf(idxShape), seed + 2), idxShape);
    const y = takeAlongAxis(x, idx, axis);
    const s = scatterAddAlongAxis(u, idx, axis, len);
    expect(s.shape).toEqual(shape);
    const lhs = vals(y).reduce((acc, v, i) => acc + v * u.data[i]!, 0);
    const rhs = vals(x).reduce((acc, v, i) => acc + v * s.data[i]!, 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)) * sizeOf(idxShape));
  });

  it('one-hot encodes, with zero rows for out-of-range indices', () => {
    const y = oneHot(t([0, 2, 3, -1], [2, 2], 'int32'), 3, 'float32');
    expect(y.shape).toEqual([2, 2, 3]);
    expect(y.dtype).toBe('float32');
    expect(y.data).toBeInstanceOf(Float32Array);
    expect(vals(y)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(vals(oneHot(t([1], [], 'int32'), 2, 'float64'))).toEqual([0, 1]);
  });
});
