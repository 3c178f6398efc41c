/**
 * @file fast-check arbitraries for shapes, broadcast pairs, tensors and conv configurations. Dimensions
 * include 1 (broadcast edge cases) and rank 0 unless told otherwise.
 */
import type { DType, Shape } from '@tapenet/kernels';
import fc from 'fast-check';
import { tensor, type Tensor } from '../tensor.js';

export type ShapeOptions = {
  readonly minRank?: number;
  readonly maxRank?: number;
  readonly minDim?: number;
  readonly maxDim?: number;
};

/** Shapes with rank in [minRank, maxRank] (default 0..3) and dims in [minDim, maxDim] (default 1..4). */
export const arbShape = (o: ShapeOptions = {}): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: o.minDim ?? 1, max: o.maxDim ?? 4 }), {
    minLength: o.minRank ?? 0,
    maxLength: o.maxRank ?? 3,
  });

/**
 * Two shapes that broadcast together: a common target shape from which each side drops some leading
 * axes and sets some dims to 1.
 */
export const arbBroadcastShapes = (o: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> =>
  arbShape(o).chain((target) => {
    const side = fc
      .tuple(
        fc.integer({ min: 0, max: target.length }),
        fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }),
      )
      .map(([drop, ones]) => target.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.tuple(side, side);
  });

export type TensorOptions = {
  readonly dtype?: DType;
  /** Values are drawn from [min, max] (default [-2, 2], as tinygrad does). */
  readonly min?: number;
  readonly max?: number;
  /** Points (kinks) to keep away from, e.g. [0] for relu/abs. */
  readonly avoid?: readonly number[];
  /** Minimum distance from every avoided point (default 1e-3). */
  readonly margin?: number;
  /** Make all values pairwise at least `margin` apart (for max/min/argmax without ties). */
  readonly distinct?: boolean;
};

/** Moves `v` at least `margin` away from each point in `avoid`. */
function pushAway(v: number, avoid: readonly number[], margin: number): number {
  let out = v;
  for (const a of avoid) if (Math.abs(out - a) < margin) out = a + (out >= a ? margin : -margin);
  return out;
}

/** Values for `n` elements respecting the options (pure function of the drawn doubles). */
const arbValues = (n: number, o: TensorOptions): fc.Arbitrary<number[]> => {
  const min = o.min ?? -2;
  const max = o.max ?? 2;
  const margin = o.margin ?? 1e-3;
  return fc
    .array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
    .map((vs) => {
      const moved = vs.map((v) => pushAway(v, o.avoid ?? [], margin));
      if (!o.distinct) return moved;
      // spread ties: sort indices by value and enforce a minimum gap, preserving order
      const order = moved.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
      const out = [...moved];
      let prev = Number.NEGATIVE_INFINITY;
      for (const [v, i] of order) {
        const w = Math.max(v, prev + margin * 10);
        out[i] = w;
        prev = w;
      }
      return out;
    });
};

/** A tensor of the given shape. */
export const arbTensorOfShape = (shape: Shape, o: TensorOptions = {}): fc.Arbitrary<Tensor> =>
  arbValues(
    shape.reduce((a, b) => a * b, 1),
    o,
  ).map((vs) => tensor(vs.length === 0 && shape.length === 0 ? [0] : vs, { shape, dtype: o.dtype ?? 'float64' }));

/** A tensor with a drawn shape (see `arbShape`) and drawn values (see `TensorOptions`). */
export const arbTensor = (o: TensorOptions & ShapeOptions = {}): fc.Arbitrary<Tensor> =>
  arbShape(o).chain((shape) => arbTensorOfShape(shape, o));

/** A valid conv2d configuration with its input and weight shapes. */
export type Conv2dCase = {
  readonly xShape: readonly [number, number, number, number];
  readonly wShape: readonly [number, number, number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
};

/**
 * Valid conv2d configurations: batch 1-2, groups 1-3 (including depthwise), kernels 1-3, stride 1-3
 * (so stride > kernel happens), one-sided padding, dilation 1-2, odd and non-square images; the output
 * is always at least 1x1.
 */
export const arbConv2dCase = (o: { readonly maxSpatial?: number } = {}): fc.Arbitrary<Conv2dCase> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cPer: fc.integer({ min: 1, max: 2 }),
      oPer: fc.integer({ min: 1, max: 2 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      dh: fc.integer({ min: 1, max: 2 }),
      dw: fc.integer({ min: 1, max: 2 }),
      pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
      extraH: fc.nat(o.maxSpatial ?? 4),
      extraW: fc.nat(o.maxSpatial ?? 4),
    })
    .map((r) => {
      // choose H, W so the (dilated) kernel fits at least once after padding
      const h = Math.max(1, r.dh * (r.kh - 1) + 1 - r.pad[0] - r.pad[1]) + r.extraH;
      const w = Math.max(1, r.dw * (r.kw - 1) + 1 - r.pad[2] - r.pad[3]) + r.extraW;
      return {
        xShape: [r.n, r.groups * r.cPer, h, w] as const,
        wShape: [r.groups * r.oPer, r.cPer, r.kh, r.kw] as const,
        stride: [r.sh, r.sw] as const,
        padding: r.pad,
        dilation: [r.dh, r.dw] as const,
        groups: r.groups,
      };
    });
