/**
 * @file 2-D pooling over NCHW: maxPool2d (maxima and their indices), avgPool2d and its adjoint avgPool2dBackward.
 *
 * Window `(oh, ow)` at kernel offset `(i, j)` reads input row `oh*strideH - top + i*dilH` and column
 * `ow*strideW - left + j*dilW`; positions outside the image are padding and are skipped.
 */
import type { AvgPool2dAttrs, MaxPool2dResult, Pool2dAttrs, Shape, TypedArray } from '../backend.js';
import { allocate } from '../shape.js';
import { checkFloat, checkShape, pool2dSizes } from '../validate.js';
import { check, fromAccumulator, type RTensor, tensorOf } from './tensor.js';

/** Sizes of one pooling problem plus the in-image rows/columns each window position reads. */
interface Windows {
  readonly planes: number;
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly ho: number;
  readonly wo: number;
  readonly outShape: readonly [number, number, number, number];
  /** `rows[oh*kh + i]`: input row read at window row i of output row oh, or -1 (padding). */
  readonly rows: Int32Array;
  /** `cols[ow*kw + j]`: input column read at window column j of output column ow, or -1. */
  readonly cols: Int32Array;
}

/** `t[o*k + kk] = o*stride - padBefore + kk*dilation`, or -1 outside `[0, inN)`. */
function taps(k: number, outN: number, inN: number, stride: number, padBefore: number, dilation: number): Int32Array {
  const t = new Int32Array(k * outN);
  for (let o = 0; o < outN; o++) {
    for (let kk = 0; kk < k; kk++) {
      const src = o * stride - padBefore + kk * dilation;
      t[o * k + kk] = src >= 0 && src < inN ? src : -1;
    }
  }
  return t;
}

function windows(xShape: Shape, a: Pool2dAttrs, kernel: string): Windows {
  const outShape = pool2dSizes(xShape, a, kernel, check);
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [, , ho, wo] = outShape;
  const [kh, kw] = a.kernel;
  return {
    planes: n * c,
    h,
    w,
    kh,
    kw,
    ho,
    wo,
    outShape,
    rows: taps(kh, ho, h, a.stride[0], a.padding[0], a.dilation[0]),
    cols: taps(kw, wo, w, a.stride[1], a.padding[2], a.dilation[1]),
  };
}

/**
 * For each window, the flat index `ih*W + iw` into its `[H, W]` plane of the first maximum in row-major
 * window order; padding never wins. A NaN counts as the maximum (the first NaN wins), as in argmax. A
 * window that lies entirely in padding (impossible when padding < kernel without dilation) gives -1.
 * x `[N, C, H, W]` → int32 `[N, C, Ho, Wo]`.
 */
export function maxPool2d(x: RTensor, attrs: Pool2dAttrs): MaxPool2dResult<TypedArray> {
  const P = windows(x.shape, attrs, 'maxPool2d');
  const { h, w, kh, kw, ho, wo, rows, cols } = P;
  const xd = x.data;
  const indices = allocate('int32', P.planes * ho * wo);
  const values = allocate(x.dtype, P.planes * ho * wo);
  let p = 0;
  for (let plane = 0; plane < P.planes; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let best = Number.NaN;
        let bi = -1;
        for (let i = 0; i < kh; i++) {
          const ih = rows[oh * kh + i]!;
          if (ih < 0) continue;
          for (let j = 0; j < kw; j++) {
            const iw = cols[ow * kw + j]!;
            if (iw < 0) continue;
            const v = xd[base + ih * w + iw]!;
            if (bi < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              bi = ih * w + iw;
            }
          }
        }
        indices[p] = bi;
        values[p++] = bi < 0 ? Number.NEGATIVE_INFINITY : best; // the max of no taps
      }
    }
  }
  return { values: tensorOf(values, P.outShape, x.dtype), indices: tensorOf(indices, P.outShape, 'int32') };
}

/** Calls `tap(window, inputIndex)` for every in-image tap of every window, with each window's divisor. */
function forEachTap(
  P: Windows,
  countIncludePad: boolean,
  tap: (window: number, input: number, divisor: number) => void,
): void {
  const { h, w, kh, kw, ho, wo, rows, cols } = P;
  for (let plane = 0; plane < P.planes; plane++) {
    for (let oh = 0; oh < ho; oh++) {
      let nh = 0;
      for (let i = 0; i < kh; i++) if (rows[oh * kh + i]! >= 0) nh++;
      for (let ow = 0; ow < wo; ow++) {
        let nw = 0;
        for (let j = 0; j < kw; j++) if (cols[ow * kw + j]! >= 0) nw++;
        const divisor = countIncludePad ? kh * kw : nh * nw;
        const win = (plane * ho + oh) * wo + ow;
        for (let i = 0; i < kh; i++) {
          const ih = rows[oh * kh + i]!;
          if (ih < 0) continue;
          for (let j = 0; j < kw; j++) {
            const iw = cols[ow * kw + j]!;
            if (iw >= 0) tap(win, (plane * h + ih) * w + iw, divisor);
          }
        }
      }
    }
  }
}

/**
 * `y[n, c, oh, ow] = (Σ_{in-image taps} x) / d` with `d = KH*KW` when countIncludePad, else the number of
 * in-image taps (a window wholly in padding then gives 0). x `[N, C, H, W]` → `[N, C, Ho, Wo]`.
 */
export function avgPool2d(x: RTensor, attrs: AvgPool2dAttrs): RTensor {
  checkFloat(x, 'avgPool2d', check);
  const P = windows(x.shape, attrs, 'avgPool2d');
  const xd = x.data;
  const y = new Float64Array(P.planes * P.ho * P.wo);
  forEachTap(P, attrs.countIncludePad, (win, input, d) => {
    y[win]! += xd[input]! / d;
  });
  return fromAccumulator(y, P.outShape, x.dtype);
}

/**
 * Transpose of avgPool2d: `dx[n, c, ih, iw] = Σ_{windows reading (ih, iw)} dy[window] / d(window)`;
 * dy `[N, C, Ho, Wo]` → dx of shape `xShape`.
 */
export function avgPool2dBackward(dy: RTensor, xShape: Shape, attrs: AvgPool2dAttrs): RTensor {
  checkFloat(dy, 'avgPool2dBackward', check);
  const P = windows(xShape, attrs, 'avgPool2dBackward');
  checkShape('dy', dy.shape, P.outShape, 'avgPool2dBackward', check);
  const dyd = dy.data;
  const dx = new Float64Array(P.planes * P.h * P.w);
  forEachTap(P, attrs.countIncludePad, (win, input, d) => {
    dx[input]! += dyd[win]! / d;
  });
  return fromAccumulator(dx, xShape, dy.dtype);
}
