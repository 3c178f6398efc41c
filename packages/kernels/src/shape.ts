/** @file Shape arithmetic shared by every backend and by autodiff's validation: one formula, one place. */
import type { Conv2dAttrs, DType, Pool2dAttrs, Shape, TypedArray } from './backend.js';

/** Number of elements: the product of the dims (1 for rank 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements: `strides[i] = ∏_{j>i} shape[j]`. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** NumPy broadcasting of two shapes, or `null` when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Output length of a sliding window: `floor((n + padTotal - dilation*(k-1) - 1) / stride) + 1`. */
export function windowOutSize(n: number, k: number, stride: number, padTotal: number, dilation: number): number {
  return Math.floor((n + padTotal - dilation * (k - 1) - 1) / stride) + 1;
}

/** `[N, O, Ho, Wo]` for conv2d of x `[N, C, H, W]` with w `[O, C/groups, KH, KW]`. */
export function conv2dOutShape(xShape: Shape, wShape: Shape, a: Conv2dAttrs): [number, number, number, number] {
  const [n, , h, w] = xShape as [number, number, number, number];
  const [o, , kh, kw] = wShape as [number, number, number, number];
  return [
    n,
    o,
    windowOutSize(h, kh, a.stride[0], a.padding[0] + a.padding[1], a.dilation[0]),
    windowOutSize(w, kw, a.stride[1], a.padding[2] + a.padding[3], a.dilation[1]),
  ];
}

/** The sizes of one conv2d problem: x `[n, c, h, w]`, w `[o, cg, kh, kw]` in `g` groups of `og` outputs. */
export interface Conv2dSizes {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly cg: number;
  readonly og: number;
  readonly g: number;
  readonly kh: number;
  readonly kw: number;
  readonly ho: number;
  readonly wo: number;
}

/** A backend's assertion: throws `<backend>.<kernel>: <what>` unless `cond`. */
export type KernelCheck = (cond: boolean, kernel: string, what: () => string) => asserts cond;

/**
 * Validates x and w of a conv2d (rank 4, channels fit `groups`, a non-empty output) with the backend's
 * `check`, so every backend refuses the same inputs with the same words, and returns the sizes.
 */
export function conv2dSizes(
  xShape: Shape,
  wShape: Shape,
  a: Conv2dAttrs,
  kernel: string,
  check: KernelCheck,
): Conv2dSizes {
  const fmt = (s: Shape): string => `[${s.join(',')}]`;
  check(xShape.length === 4 && wShape.length === 4, kernel, () => `x ${fmt(xShape)} and w ${fmt(wShape)} need rank 4`);
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const g = a.groups;
  check(Number.isInteger(g) && g >= 1 && o % g === 0 && c === cg * g, kernel, () => {
    return `x ${fmt(xShape)} and w ${fmt(wShape)} do not fit groups=${g}`;
  });
  const [, , ho, wo] = conv2dOutShape(xShape, wShape, a);
  check(ho > 0 && wo > 0, kernel, () => `kernel ${fmt(wShape)} does not fit padded input ${fmt(xShape)}`);
  return { n, c, h, w, o, cg, og: o / g, g, kh, kw, ho, wo };
}

/** Validates conv2d's optional bias: shape `[O]` and x's dtype (same words on every backend). */
export function checkConvBias(
  bias: { readonly shape: Shape; readonly dtype: DType },
  o: number,
  dtype: DType,
  kernel: string,
  check: KernelCheck,
): void {
  const ok = bias.shape.length === 1 && bias.shape[0] === o && bias.dtype === dtype;
  check(
    ok,
    kernel,
    () => `bias [${bias.shape.join(',')}] ${bias.dtype} must be [${o}] ${dtype} (one per output channel)`,
  );
}

/** `[N, C, Ho, Wo]` for pooling x `[N, C, H, W]`. */
export function pool2dOutShape(xShape: Shape, a: Pool2dAttrs): [number, number, number, number] {
  const [n, c, h, w] = xShape as [number, number, number, number];
  return [
    n,
    c,
    windowOutSize(h, a.kernel[0], a.stride[0], a.padding[0] + a.padding[1], a.dilation[0]),
    windowOutSize(w, a.kernel[1], a.stride[1], a.padding[2] + a.padding[3], a.dilation[1]),
  ];
}

/** A zeroed typed array of `dtype` with `n` elements. */
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
  }
}

/** The dtype a typed array holds. */
export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return 'int32';
}
