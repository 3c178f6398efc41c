/** @file Pooling: worked examples, padding and tie conventions, avgPool2dBackward adjointness. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { AvgPool2dAttrs, DType, Pool2dAttrs, Shape } from '../backend.js';
import { allocate, pool2dOutShape, sizeOf } from '../shape.js';
import { avgPool2d, avgPool2dBackward, maxPool2d } from './pool.js';
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
const pool = (over: Partial<Pool2dAttrs> = {}): Pool2dAttrs => ({
  kernel: [2, 2],
  stride: [2, 2],
  padding: [0, 0, 0, 0],
  dilation: [1, 1],
  ...over,
});
const x9 = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);

/** The indices half of maxPool2d. */
const maxPool2dArgmax = (x: RTensor, a: Pool2dAttrs) => maxPool2d(x, a).indices;

describe('maxPool2d', () => {
  it('returns the maxima and their int32 flat indices into the [H, W] plane', () => {
    // 4x4 plane; windows of 2x2, stride 2
    const x = t([1, 5, 2, 0, 3, 4, 9, 1, 0, 0, 7, 8, 6, 0, 8, 1], [1, 1, 4, 4]);
    const { values, indices } = maxPool2d(x, pool());
    expect(indices.dtype).toBe('int32');
    expect(indices.shape).toEqual([1, 1, 2, 2]);
    expect(vals(indices)).toEqual([1, 6, 12, 11]);
    expect(values.dtype).toBe('float64');
    expect(values.shape).toEqual([1, 1, 2, 2]);
    expect(vals(values)).toEqual([5, 9, 6, 8]);
  });

  it('lets the first max in row-major window order win ties', () => {
    expect(vals(maxPool2dArgmax(t([3, 3, 3, 3], [1, 1, 2, 2]), pool()))).toEqual([0]);
    expect(vals(maxPool2dArgmax(t([0, 2, 2, 1], [1, 1, 2, 2]), pool()))).toEqual([1]);
  });

  it('never lets padding win, even over negative values', () => {
    const x = t([-5, -1, -3, -2], [1, 1, 2, 2]);
    const y = maxPool2dArgmax(x, pool({ padding: [1, 1, 1, 1] }));
    expect(vals(y)).toEqual([0, 1, 2, 3]);
  });

  it('gives index -1 and -∞ to a window with no tap inside the image (dilation wider than the image)', () => {
    const { values, indices } = maxPool2d(
      t([3], [1, 1, 1, 1]),
      pool({ stride: [1, 1], padding: [1, 1, 1, 1], dilation: [2, 2] }),
    );
    expect(vals(indices)).toEqual([-1]);
    expect(vals(values)).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('picks a NaN, the first one, as the maximum', () => {
    expect(vals(maxPool2dArgmax(t([1, Number.NaN, 9, Number.NaN], [1, 1, 2, 2]), pool()))).toEqual([1]);
  });

  it('handles overlapping windows, dilation and several planes', () => {
    // stride 1 over x9: each 2x2 window's max is its bottom-right element
    expect(vals(maxPool2dArgmax(x9, pool({ stride: [1, 1] })))).toEqual([4, 5, 7, 8]);
    expect(vals(maxPool2dArgmax(x9, pool({ dilation: [2, 2] })))).toEqual([8]);
    const two = t([...x9.data, ...x9.data.map((v) => -v)], [1, 2, 3, 3]);
    expect(vals(maxPool2dArgmax(two, pool({ kernel: [3, 3] })))).toEqual([8, 0]);
  });
});

describe('avgPool2d', () => {
  const avg = (countIncludePad: boolean, over: Partial<Pool2dAttrs> = {}): AvgPool2dAttrs => ({
    ...pool(over),
    countIncludePad,
  });

  it.each(['float32', 'float64'] as const)('averages each window (%s)', (dtype) => {
    const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4], dtype);
    const y = avgPool2d(x, avg(true));
    expect(y.dtype).toBe(dtype);
    expect(vals(y)).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  it('divides by KH*KW or by the in-image count depending on countIncludePad', () => {
    // kernel 2, stride 2, padding 1 on x9: windows [x00], [x01+x02], [x10+x20], [x11+x12+x21+x22]
    const a = { stride: [2, 2] as const, padding: [1, 1, 1, 1] as const };
    expect(vals(avgPool2d(x9, avg(true, a)))).toEqual([1 / 4, 5 / 4, 11 / 4, 28 / 4]);
    expect(vals(avgPool2d(x9, avg(false, a)))).toEqual([1, 5 / 2, 11 / 2, 28 / 4]);
  });

  it('spreads dy evenly over each window in the backward pass', () => {
    const dx = avgPool2dBackward(t([4, 8], [1, 1, 1, 2]), [1, 1, 2, 3], avg(false, { stride: [1, 1] }));
    expect(vals(dx)).toEqual([1, 3, 2, 1, 3, 2]);
  });

  const arbPool = fc
    .record({
      planes: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })),
      kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      stride: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      padding: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: 2 }))),
      extra: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
      countIncludePad: fc.boolean(),
      seed: fc.integer(),
    })
    .map((r) => {
      const [pt, pb, pl, pr] = r.padding as [number, number, number, number];
      const h = Math.max(1, r.dilation[0] * (r.kernel[0] - 1) + 1 - pt - pb) + r.extra[0];
      const w = Math.max(1, r.dilation[1] * (r.kernel[1] - 1) + 1 - pl - pr) + r.extra[1];
      const a: AvgPool2dAttrs = { ...r, padding: [pt, pb, pl, pr] };
      return { a, xShape: [...r.planes, h, w], seed: r.seed };
    });

  test.prop([arbPool])('avgPool2dBackward is the adjoint of avgPool2d', ({ a, xShape, seed }) => {
    const x = t(randoms(sizeOf(xShape), seed), xShape);
    const yShape = pool2dOutShape(xShape, a);
    const dy = t(randoms(sizeOf(yShape), seed + 1), yShape);
    const y = avgPool2d(x, a);
    expect(y.shape).toEqual(yShape);
    const dx = avgPool2dBackward(dy, xShape, a);
    const scale = vals(y).reduce((s, v, i) => s + Math.abs(v * dy.data[i]!), 1e-300);
    expect(Math.abs(dot(y, dy) - dot(x, dx)) / scale).toBeLessThan(1e-10);
  });

  test.prop([arbPool])(
    'maxPool2d picks an in-window element no smaller than any other, and returns its value',
    ({ a, xShape, seed }) => {
      const x = t(randoms(sizeOf(xShape), seed), xShape);
      const { values, indices: idx } = maxPool2d(x, a);
      const [, , ho, wo] = pool2dOutShape(xShape, a);
      const [h, w] = [xShape[2]!, xShape[3]!];
      for (let p = 0; p < idx.data.length; p++) {
        const plane = Math.floor(p / (ho * wo));
        const [oh, ow] = [Math.floor(p / wo) % ho, p % wo];
        let best = -Infinity;
        for (let i = 0; i < a.kernel[0]; i++) {
          for (let j = 0; j < a.kernel[1]; j++) {
            const ih = oh * a.stride[0] - a.padding[0] + i * a.dilation[0];
            const iw = ow * a.stride[1] - a.padding[2] + j * a.dilation[1];
            if (ih >= 0 && ih < h && iw >= 0 && iw < w) best = Math.max(best, x.data[(plane * h + ih) * w + iw]!);
          }
        }
        const k = idx.data[p]!;
        if (best === -Infinity) {
          expect(k).toBe(-1); // the window lies wholly in padding
          expect(values.data[p]).toBe(Number.NEGATIVE_INFINITY);
        } else {
          expect(x.data[plane * h * w + k]).toBe(best);
          expect(values.data[p]).toBe(best);
        }
      }
    },
  );
});
