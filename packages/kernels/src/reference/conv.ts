/**
 * @file conv2d and its two adjoints, each one loop nest over its own formula (PyTorch semantics:
 * cross-correlation, NCHW / OIHW, stride, padding, dilation, groups).
 *
 * One tap joins output pixel `(oh, ow)`, kernel offset `(kh, kw)` and input pixel `(ih, iw)` with
 * `ih = oh*strideH - top + kh*dilH` and `iw = ow*strideW - left + kw*dilW`; taps that land in the padding
 * read zero. conv2d sums `x · w` over the taps of each output; the input gradient sums `dy · w` over the
 * taps that read each input pixel (the same taps, seen from the input side, which is what makes it the
 * transpose); the filter gradient sums `x · dy` over the taps of each kernel offset. Output channel o
 * belongs to group `floor(o / (O/G))` and reads input channels `g*C/G .. g*C/G + C/G - 1`.
 * Every sum accumulates in float64 and is rounded once to the tensors' dtype.
 */
import type { Conv2dAttrs, Shape } from '../backend.js';
import { type Conv2dSizes, checkConvBias, conv2dSizes } from '../shape.js';
import { checkConvDy, checkSameDtype } from '../validate.js';
import { check, fromAccumulator, type RTensor } from './tensor.js';

/** Flat index of `(a, b, c, d)` in a row-major 4-D array of dims `[·, B, C, D]`. */
function at4(B: number, C: number, D: number, a: number, b: number, c: number, d: number): number {
  return ((a * B + b) * C + c) * D + d;
}

/** The input index that output index `out` reads at kernel offset `k`, or -1 when it is padding. */
function tapIn(out: number, k: number, stride: number, padBefore: number, dilation: number, inN: number): number {
  const i = out * stride - padBefore + k * dilation;
  return i >= 0 && i < inN ? i : -1;
}

/** The output index whose tap at kernel offset `k` reads input index `i` (tapIn's inverse), or -1: none. */
function tapOut(i: number, k: number, stride: number, padBefore: number, dilation: number, outN: number): number {
  const t = i + padBefore - k * dilation;
  if (t < 0 || t % stride !== 0) return -1;
  const out = t / stride;
  return out < outN ? out : -1;
}

/**
 * Validated sizes plus the tap maps as tables, each entry computed once by tapIn or tapOut: the loop
 * nests below read a table and local sizes (calling a tap function or reading the sizes off an object
 * per tap made them 2-3 times slower).
 */
interface Geometry extends Conv2dSizes {
  /** `ihOf[kh*ho + oh]`: input row of output row oh at kernel row kh, or -1. */
  readonly ihOf: Int32Array;
  /** `iwOf[kw*wo + ow]`: input column of output column ow at kernel column kw, or -1. */
  readonly iwOf: Int32Array;
  /** `ohOf[kh*h + ih]`: output row whose kernel row kh reads input row ih, or -1. */
  readonly ohOf: Int32Array;
  /** `owOf[kw*w + iw]`: output column whose kernel column kw reads input column iw, or -1. */
  readonly owOf: Int32Array;
}

/** `t[k*n + i] = f(i, k)` for k < kN, i < n. */
function table(kN: number, n: number, f: (i: number, k: number) => number): Int32Array {
  const t = new Int32Array(kN * n);
  for (let k = 0; k < kN; k++) for (let i = 0; i < n; i++) t[k * n + i] = f(i, k);
  return t;
}

/** Validates shapes and attrs (throwing `reference.<kernel>: ...`) and tabulates the tap maps. */
function geometry(xShape: Shape, wShape: Shape, a: Conv2dAttrs, kernel: string): Geometry {
  const z = conv2dSizes(xShape, wShape, a, kernel, check);
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [top, , left] = a.padding;
  return {
    ...z,
    ihOf: table(z.kh, z.ho, (oh, kh) => tapIn(oh, kh, sh, top, dh, z.h)),
    iwOf: table(z.kw, z.wo, (ow, kw) => tapIn(ow, kw, sw, left, dw, z.w)),
    ohOf: table(z.kh, z.h, (ih, kh) => tapOut(ih, kh, sh, top, dh, z.ho)),
    owOf: table(z.kw, z.w, (iw, kw) => tapOut(iw, kw, sw, left, dw, z.wo)),
  };
}

/**
 * `y[n, o, oh, ow] = bias[o] + Σ_{c, kh, kw} x[n, g*C/G + c, ih, iw] · w[o, c, kh, kw]` over in-image
 * taps, g = o's group; x `[N, C, H, W]`, w `[O, C/G, KH, KW]`, optional bias `[O]` → y `[N, O, Ho, Wo]`.
 */
export function conv2d(x: RTensor, w: RTensor, attrs: Conv2dAttrs, bias?: RTensor): RTensor {
  checkSameDtype(x, w, 'conv2d', check);
  const G = geometry(x.shape, w.shape, attrs, 'conv2d');
  if (bias !== undefined) checkConvBias(bias, G.o, x.dtype, 'conv2d', check);
  const { n: N, c: C, h: H, w: W, o: O, cg: Cg, og: Og, kh: KH, kw: KW, ho: Ho, wo: Wo, ihOf, iwOf } = G;
  const [xd, wd] = [x.data, w.data];
  const y = new Float64Array(N * O * Ho * Wo);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const c0 = Math.floor(o / Og) * Cg;
      for (let oh = 0; oh < Ho; oh++) {
        for (let ow = 0; ow < Wo; ow++) {
          let s = bias === undefined ? 0 : bias.data[o]!;
          for (let c = 0; c < Cg; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const ih = ihOf[kh * Ho + oh]!;
              if (ih < 0) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = iwOf[kw * Wo + ow]!;
                if (iw < 0) continue;
                s += xd[at4(C, H, W, n, c0 + c, ih, iw)]! * wd[at4(Cg, KH, KW, o, c, kh, kw)]!;
              }
            }
          }
          y[at4(O, Ho, Wo, n, o, oh, ow)] = s;
        }
      }
    }
  }
  return fromAccumulator(y, [N, O, Ho, Wo], x.dtype);
}

/**
 * Transpose of conv2d in x: `dx[n, g*C/G + c, ih, iw] = Σ_{o in group g, kh, kw} dy[n, o, oh, ow] ·
 * w[o, c, kh, kw]` over the taps that read `(ih, iw)`; dy `[N, O, Ho, Wo]`, w `[O, C/G, KH, KW]` → dx of
 * shape `xShape`.
 */
export function conv2dBackpropInput(dy: RTensor, w: RTensor, xShape: Shape, attrs: Conv2dAttrs): RTensor {
  checkSameDtype(dy, w, 'conv2dBackpropInput', check);
  const G = geometry(xShape, w.shape, attrs, 'conv2dBackpropInput');
  checkConvDy(dy.shape, G, 'conv2dBackpropInput', check);
  const { n: N, c: C, h: H, w: W, o: O, cg: Cg, og: Og, kh: KH, kw: KW, ho: Ho, wo: Wo, ohOf, owOf } = G;
  const [dyd, wd] = [dy.data, w.data];
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++) {
    for (let ci = 0; ci < C; ci++) {
      const g = Math.floor(ci / Cg);
      const c = ci - g * Cg;
      for (let ih = 0; ih < H; ih++) {
        for (let iw = 0; iw < W; iw++) {
          let s = 0;
          for (let o = g * Og; o < (g + 1) * Og; o++) {
            for (let kh = 0; kh < KH; kh++) {
              const oh = ohOf[kh * H + ih]!;
              if (oh < 0) continue;
              for (let kw = 0; kw < KW; kw++) {
                const ow = owOf[kw * W + iw]!;
                if (ow < 0) continue;
                s += dyd[at4(O, Ho, Wo, n, o, oh, ow)]! * wd[at4(Cg, KH, KW, o, c, kh, kw)]!;
              }
            }
          }
          dx[at4(C, H, W, n, ci, ih, iw)] = s;
        }
      }
    }
  }
  return fromAccumulator(dx, xShape, dy.dtype);
}

/**
 * Transpose of conv2d in w: `dw[o, c, kh, kw] = Σ_{n, oh, ow} x[n, g*C/G + c, ih, iw] · dy[n, o, oh, ow]`
 * over in-image taps, g = o's group; x `[N, C, H, W]`, dy `[N, O, Ho, Wo]` → dw of shape `wShape`.
 */
export function conv2dBackpropFilter(x: RTensor, dy: RTensor, wShape: Shape, attrs: Conv2dAttrs): RTensor {
  checkSameDtype(x, dy, 'conv2dBackpropFilter', check);
  const G = geometry(x.shape, wShape, attrs, 'conv2dBackpropFilter');
  checkConvDy(dy.shape, G, 'conv2dBackpropFilter', check);
  const { n: N, c: C, h: H, w: W, o: O, cg: Cg, og: Og, kh: KH, kw: KW, ho: Ho, wo: Wo, ihOf, iwOf } = G;
  const [xd, dyd] = [x.data, dy.data];
  const dw = new Float64Array(O * Cg * KH * KW);
  for (let o = 0; o < O; o++) {
    const c0 = Math.floor(o / Og) * Cg;
    for (let c = 0; c < Cg; c++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          // Summed per image, then over images: shorter running sums round less than one long one.
          let s = 0;
          for (let n = 0; n < N; n++) {
            let sn = 0;
            for (let oh = 0; oh < Ho; oh++) {
              const ih = ihOf[kh * Ho + oh]!;
              if (ih < 0) continue;
              for (let ow = 0; ow < Wo; ow++) {
                const iw = iwOf[kw * Wo + ow]!;
                if (iw < 0) continue;
                sn += xd[at4(C, H, W, n, c0 + c, ih, iw)]! * dyd[at4(O, Ho, Wo, n, o, oh, ow)]!;
              }
            }
            s += sn;
          }
          dw[at4(Cg, KH, KW, o, c, kh, kw)] = s;
        }
      }
    }
  }
  return fromAccumulator(dw, wShape, x.dtype);
}
