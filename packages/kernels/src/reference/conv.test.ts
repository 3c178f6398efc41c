/** @file conv2d and its adjoints: hand-computed examples and adjointness over fast-check-drawn configs. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Conv2dAttrs, DType, Shape } from '../backend.js';
import { allocate, conv2dOutShape, sizeOf } from '../shape.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { pad } from './movement.js';
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
/** `Σ_i a_i b_i`. */
const dot = (a: RTensor, b: RTensor): number => vals(a).reduce((s, v, i) => s + v * b.data[i]!, 0);
const attrs = (over: Partial<Conv2dAttrs> = {}): Conv2dAttrs => ({
  stride: [1, 1],
  padding: [0, 0, 0, 0],
  dilation: [1, 1],
  groups: 1,
  ...over,
});
const x9 = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]); // [[1,2,3],[4,5,6],[7,8,9]]

describe('conv2d worked examples', () => {
  it('cross-correlates (no kernel flip)', () => {
    // y[i, j] = x[i, j] - x[i+1, j+1] = -4
    const y = conv2d(x9, t([1, 0, 0, -1], [1, 1, 2, 2]), attrs());
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(vals(y)).toEqual([-4, -4, -4, -4]);
  });

  it('pads with zeros and strides', () => {
    // windows start at rows/cols -1 and 1: [x00], [x01+x02], [x10+x20], [x11+x12+x21+x22]
    const y = conv2d(x9, t([1, 1, 1, 1], [1, 1, 2, 2]), attrs({ stride: [2, 2], padding: [1, 1, 1, 1] }));
    expect(vals(y)).toEqual([1, 5, 11, 28]);
  });

  it('dilates the kernel', () => {
    const y = conv2d(x9, t([1, 1, 1, 1], [1, 1, 2, 2]), attrs({ dilation: [2, 2] }));
    expect(vals(y)).toEqual([1 + 3 + 7 + 9]);
  });

  it('pads one side only, non-square', () => {
    const y = conv2d(t([1, 2, 3], [1, 1, 1, 3]), t([1, 10], [1, 1, 1, 2]), attrs({ padding: [0, 0, 0, 1] }));
    expect(y.shape).toEqual([1, 1, 1, 3]);
    expect(vals(y)).toEqual([21, 32, 3]);
  });

  it('splits channels into groups (depthwise and grouped)', () => {
    const x = t([2, 3], [1, 2, 1, 1]);
    expect(vals(conv2d(x, t([10, 100], [2, 1, 1, 1]), attrs({ groups: 2 })))).toEqual([20, 300]);
    // groups 1: every output sees both channels
    expect(vals(conv2d(x, t([10, 100, 1, 1], [2, 2, 1, 1]), attrs()))).toEqual([320, 5]);
    // 2 groups, 2 outputs per group: outputs 0,1 read channel 0, outputs 2,3 read channel 1
    expect(vals(conv2d(x, t([1, 2, 3, 4], [4, 1, 1, 1]), attrs({ groups: 2 })))).toEqual([2, 4, 9, 12]);
  });

  it('adds a bias per output channel', () => {
    const x = t([1, 2, 3, 4], [2, 2, 1, 1]); // n=0: [1, 2], n=1: [3, 4]
    const w = t([1, -1, 2, 0], [2, 2, 1, 1]); // o=0: c0 - c1, o=1: 2·c0
    expect(vals(conv2d(x, w, attrs(), t([10, 100], [2])))).toEqual([9, 102, 9, 106]);
    expect(() => conv2d(x, w, attrs(), t([1, 2, 3], [3]))).toThrow(
      /^reference\.conv2d: bias \[3\] float64 must be \[2\] float64/,
    );
    expect(() => conv2d(x, w, attrs(), t([1, 2], [2], 'float32'))).toThrow(/bias \[2\] float32 must be \[2\] float64/);
  });

  it('batches over N and sums over C', () => {
    const x = t([1, 2, 3, 4], [2, 2, 1, 1]); // n=0: [1, 2], n=1: [3, 4]
    expect(vals(conv2d(x, t([1, -1], [1, 2, 1, 1]), attrs()))).toEqual([-1, -1]);
  });

  it('computes both backprops on the first example', () => {
    const w = t([1, 0, 0, -1], [1, 1, 2, 2]);
    const dy = t([1, 1, 1, 1], [1, 1, 2, 2]);
    expect(vals(conv2dBackpropInput(dy, w, [1, 1, 3, 3], attrs()))).toEqual([1, 1, 0, 1, 0, -1, 0, -1, -1]);
    expect(vals(conv2dBackpropFilter(x9, dy, [1, 1, 2, 2], attrs()))).toEqual([12, 16, 24, 28]);
  });

  it('keeps float32 and rounds the double result once', () => {
    const x = t(randoms(2 * 3 * 5 * 4, 7), [2, 3, 5, 4], 'float32');
    const w = t(randoms(4 * 3 * 3 * 2, 8), [4, 3, 3, 2], 'float32');
    const a = attrs({ stride: [2, 1], padding: [1, 0, 1, 1] });
    const y32 = conv2d(x, w, a);
    const y64 = conv2d(t(x.data, x.shape), t(w.data, w.shape), a);
    expect(y32.dtype).toBe('float32');
    expect(vals(y32)).toEqual(vals(y64).map(Math.fround));
  });

  it('rejects impossible inputs', () => {
    const w = t([1, 1], [2, 1, 1, 1]);
    expect(() => conv2d(x9, w, attrs({ groups: 2 }))).toThrow(/^reference\.conv2d: .*groups=2/);
    expect(() => conv2d(x9, t(randoms(16, 1), [1, 1, 4, 4]), attrs())).toThrow(/does not fit padded input/);
    expect(() => conv2d(x9, t([1], [1, 1, 1, 1], 'float32'), attrs())).toThrow(/dtype mismatch/);
    const dy = t([1, 1], [1, 1, 1, 2]);
    expect(() => conv2dBackpropInput(dy, t([1], [1, 1, 1, 1]), [1, 1, 3, 3], attrs())).toThrow(/dy \[1,1,1,2\]/);
  });
});

/** A valid conv2d problem drawn with every feature mixed: groups (incl. depthwise), stride > kernel, etc. */
const arbConv = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 2 }),
    og: fc.integer({ min: 1, max: 2 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: 2 }))),
    extra: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
    seed: fc.integer(),
  })
  .map((r) => {
    const [pt, pb, pl, pr] = r.padding as [number, number, number, number];
    const h = Math.max(1, r.dilation[0] * (r.kh - 1) + 1 - pt - pb) + r.extra[0];
    const w = Math.max(1, r.dilation[1] * (r.kw - 1) + 1 - pl - pr) + r.extra[1];
    const a: Conv2dAttrs = { stride: r.stride, padding: [pt, pb, pl, pr], dilation: r.dilation, groups: r.groups };
    const xShape = [r.n, r.groups * r.cg, h, w];
    const wShape = [r.groups * r.og, r.cg, r.kh, r.kw];
    return { a, xShape, wShape, seed: r.seed };
  });

describe('conv2d adjointness', () => {
  test.prop([arbConv])('<conv2d(x,w), dy> = <x, backpropInput(dy,w)> = <w, backpropFilter(x,dy)>', (c) => {
    const x = t(randoms(sizeOf(c.xShape), c.seed), c.xShape);
    const w = t(randoms(sizeOf(c.wShape), c.seed ^ 0x5bd1e995), c.wShape);
    const yShape = conv2dOutShape(c.xShape, c.wShape, c.a);
    const dy = t(randoms(sizeOf(yShape), c.seed + 12345), yShape);
    const y = conv2d(x, w, c.a);
    expect(y.shape).toEqual(yShape);
    const dx = conv2dBackpropInput(dy, w, c.xShape, c.a);
    const dw = conv2dBackpropFilter(x, dy, c.wShape, c.a);
    expect(dx.shape).toEqual(c.xShape);
    expect(dw.shape).toEqual(c.wShape);
    const lhs = dot(y, dy);
    const scale = vals(y).reduce((s, v, i) => s + Math.abs(v * dy.data[i]!), 1e-300); // Σ|y·dy|
    expect(Math.abs(lhs - dot(x, dx)) / scale).toBeLessThan(1e-10);
    expect(Math.abs(lhs - dot(w, dw)) / scale).toBeLessThan(1e-10);
  });

  test.prop([arbConv])('padding equals zero-padding the input first', (c) => {
    const x = t(randoms(sizeOf(c.xShape), c.seed), c.xShape);
    const w = t(randoms(sizeOf(c.wShape), c.seed + 1), c.wShape);
    const [pt, pb, pl, pr] = c.a.padding;
    const padded = pad(
      x,
      [
        [0, 0],
        [0, 0],
        [pt, pb],
        [pl, pr],
      ],
      'constant',
      0,
    );
    const want = conv2d(padded, w, { ...c.a, padding: [0, 0, 0, 0] });
    expect(vals(conv2d(x, w, c.a))).toEqual(vals(want));
  });
});
