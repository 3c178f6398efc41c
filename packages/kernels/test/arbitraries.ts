/**
 * @file Inputs for the conformance suite. fast-check draws shapes, attrs and a seed (so a counterexample
 * prints as a few small numbers); values are then filled from the seed by a small PRNG within a domain.
 */
import { fc } from '@fast-check/vitest';
import type { Conv2dAttrs, DType, Padding4, Pair, Pool2dAttrs, Shape, TypedArray } from '../src/backend.js';
import { allocate, sizeOf, windowOutSize } from '../src/shape.js';

/** A host tensor, ready to upload. */
export interface HostTensor {
  readonly values: TypedArray;
  readonly shape: Shape;
}

/** Where values are drawn: uniform in `[lo, hi]`, away from 0 by `avoid`, or integers when `ints`. */
export interface Domain {
  readonly lo: number;
  readonly hi: number;
  /** Resample |v| < avoid to sign(v)·avoid (keeps divisors and reciprocals away from 0). */
  readonly avoid?: number;
  /** Draw integers in `[lo, hi]` (ties for max/argmax/compare, exact int32 data). */
  readonly ints?: boolean;
}

export const D = {
  std: { lo: -2, hi: 2 },
  wide: { lo: -5, hi: 5 },
  positive: { lo: 0.05, hi: 4 },
  nonZero: { lo: -3, hi: 3, avoid: 0.25 },
  smallInts: { lo: -2, hi: 2, ints: true },
  bits: { lo: 0, hi: 1, ints: true },
} as const satisfies Record<string, Domain>;

/** mulberry32: a tiny seeded PRNG giving uniform floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of `shape` filled from `seed` within `domain`, as `dtype`. */
export function rand(shape: Shape, seed: number, domain: Domain = D.std, dtype: DType = 'float32'): HostTensor {
  const next = prng(seed);
  const values = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) {
    const u = next();
    let v = domain.ints
      ? domain.lo + Math.floor(u * (domain.hi - domain.lo + 1))
      : domain.lo + u * (domain.hi - domain.lo);
    if (domain.avoid !== undefined && Math.abs(v) < domain.avoid) v = v < 0 ? -domain.avoid : domain.avoid;
    values[i] = v;
  }
  return { values, shape };
}

/** Explicit values (worked examples). */
export function host(values: readonly number[], shape: Shape, dtype: DType = 'float32'): HostTensor {
  const a = allocate(dtype, values.length);
  a.set(values);
  return { values: a, shape };
}

export const seed = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0x7fffffff });

export const shape = (minRank: number, maxRank: number, maxDim = 5): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/** A shape plus a valid axis of it. */
export const shapeAndAxis = (
  minRank: number,
  maxRank: number,
  maxDim = 5,
): fc.Arbitrary<{ s: number[]; axis: number }> =>
  shape(Math.max(1, minRank), maxRank, maxDim).chain((s) =>
    fc.record({ s: fc.constant(s), axis: fc.nat(s.length - 1) }),
  );

/** `out` plus a shape that broadcasts to it: some leading axes dropped, some axes set to 1. */
export const broadcastFrom = (out: readonly number[]): fc.Arbitrary<number[]> =>
  fc
    .record({
      drop: fc.nat(out.length),
      ones: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    })
    .map(({ drop, ones }) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/** A shape that broadcasts, and `count` operand shapes that broadcast to it. */
export const broadcastSet = (count: number, maxRank = 4): fc.Arbitrary<number[][]> =>
  shape(0, maxRank, 4).chain((out) => fc.tuple(...new Array(count).fill(0).map(() => broadcastFrom(out))));

export interface ConvCase {
  readonly x: Shape;
  readonly w: Shape;
  readonly attrs: Conv2dAttrs;
  readonly y: Shape;
}

const pair = (max: number, min = 1): fc.Arbitrary<Pair> => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

/**
 * conv2d geometry: groups (depthwise when `depthwise`), one-sided and asymmetric padding, stride up to 3
 * (so stride > kernel happens), dilation up to 2, non-square images, batch 1-2.
 */
export const convCase = (opts: { depthwise?: boolean } = {}): fc.Arbitrary<ConvCase> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cg: opts.depthwise ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
      og: fc.integer({ min: 1, max: 2 }),
      k: pair(3),
      stride: pair(3),
      dilation: pair(2),
      padding: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
      extra: pair(4, 0),
    })
    .map(({ n, groups, cg, og, k, stride, dilation, padding, extra }) => {
      const span = (i: 0 | 1) => dilation[i] * (k[i] - 1) + 1;
      // The padded input must hold one window: H + top + bottom ≥ span, and H ≥ 1.
      const h = Math.max(1, span(0) - padding[0] - padding[1]) + extra[0];
      const w = Math.max(1, span(1) - padding[2] - padding[3]) + extra[1];
      const attrs: Conv2dAttrs = { stride, padding: padding as Padding4, dilation, groups };
      const ho = windowOutSize(h, k[0], stride[0], padding[0] + padding[1], dilation[0]);
      const wo = windowOutSize(w, k[1], stride[1], padding[2] + padding[3], dilation[1]);
      return { x: [n, cg * groups, h, w], w: [og * groups, cg, k[0], k[1]], attrs, y: [n, og * groups, ho, wo] };
    });

export interface PoolCase {
  readonly x: Shape;
  readonly attrs: Pool2dAttrs;
  readonly y: Shape;
}

/** Pooling geometry: padding per side below the window, stride up to 3, dilation up to 2. */
export const poolCase = (): fc.Arbitrary<PoolCase> =>
  fc
    .record({
      nc: pair(3),
      k: pair(3),
      stride: pair(3),
      dilation: pair(2),
      pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
      extra: pair(4, 0),
    })
    .map(({ nc, k, stride, dilation, pad, extra }) => {
      const padding = [
        Math.min(pad[0], k[0] - 1),
        Math.min(pad[1], k[0] - 1),
        Math.min(pad[2], k[1] - 1),
        Math.min(pad[3], k[1] - 1),
      ] as const;
      const span = (i: 0 | 1) => dilation[i] * (k[i] - 1) + 1;
      const h = Math.max(1, span(0) - padding[0] - padding[1]) + extra[0];
      const w = Math.max(1, span(1) - padding[2] - padding[3]) + extra[1];
      const attrs: Pool2dAttrs = { kernel: k, stride, padding, dilation };
      const ho = windowOutSize(h, k[0], stride[0], padding[0] + padding[1], dilation[0]);
      const wo = windowOutSize(w, k[1], stride[1], padding[2] + padding[3], dilation[1]);
      return { x: [nc[0], nc[1], h, w], attrs, y: [nc[0], nc[1], ho, wo] };
    });
