/**
 * @file conv2d and its two adjoints, as direct loops (PyTorch semantics: cross-correlation, NCHW/OIHW).
 *
 * All three walk the same taps: output `(n, o, oh, ow)`, input channel `c` of o's group, kernel
 * `(kh, kw)`, reading input row `ih = oh*strideH - top + kh*dilH` and column `iw = ow*strideW - left +
 * kw*dilW` when inside the image (padding reads zero). Each tap is one product `x · w` added to `y`;
 * backpropInput adds `dy · w` to `dx` and backpropFilter adds `x · dy` to `dw` at the same tap, which
 * is what makes them the exact transposes of conv2d. All accumulate in doubles.
 */
import type { Conv2dAttrs, Shape } from '../backend.js';
import { type Conv2dSizes, checkConvBias, conv2dSizes } from '../shape.js';
import { check, fmt, fromAccumulator, type RTensor } from './tensor.js';

/** Sizes of one conv2d problem plus, per kernel offset, the input row/column each output reads. */
interface Geometry extends Conv2dSizes {
  /** `rows[kh*ho + oh]`: input row read by output row oh at kernel row kh, or -1 (padding). */
  readonly rows: Int32Array;
  /** `cols[kw*wo + ow]`: input column read by output column ow at kernel column kw, or -1. */
  readonly cols: Int32Array;
}

/** `table[k*outN + i] = i*stride - padBefore + k*dilation`, or -1 outside `[0, inN)`. */
function taps(k: number, outN: number, inN: number, stride: number, padBefore: number, dilation: number): Int32Array {
  const t = new Int32Array(k * outN);
  for (let kk = 0; kk < k; kk++) {
    for (let i = 0; i < outN; i++) {
      const src = i * stride - padBefore + kk * dilation;
      t[kk * outN + i] = src >= 0 && src < inN ? src : -1;
    }
  }
  return t;
}

/** Validates shapes and attrs (throwing `reference.<kernel>: ...`) and precomputes the tap tables. */
function geometry(xShape: Shape, wShape: Shape, a: Conv2dAttrs, kernel: string): Geometry {
  const z = conv2dSizes(xShape, wShape, a, kernel, check);
  return {
    ...z,
    rows: taps(z.kh, z.ho, z.h, a.stride[0], a.padding[0], a.dilation[0]),
    cols: taps(z.kw, z.wo, z.w, a.stride[1], a.padding[2], a.dilation[1]),
  };
}

/**
 * `y[n, o, oh, ow] = Σ_{c, kh, kw} x[n, g*C/G + c, oh*sH - top + kh*dH, ow*sW - left + kw*dW] · w[o, c, kh, kw]`
 * with `g = floor(o / (O/G))`, plus `bias[o]` when given; x `[N, C, H, W]`, w `[O, C/G, KH, KW]` → y
 * `[N, O, Ho, Wo]`.
 */
export function conv2d(x: RTensor, w: RTensor, attrs: Conv2dAttrs, bias?: RTensor): RTensor {
  check(x.dtype === w.dtype, 'conv2d', () => `dtype mismatch: ${x.dtype} vs ${w.dtype}`);
  const G = geometry(x.shape, w.shape, attrs, 'conv2d');
  const { c, h, o, cg, og, kh, kw, ho, wo, rows, cols } = G;
  if (bias !== undefined) checkConvBias(bias, o, x.dtype, 'conv2d', check);
  const xd = x.data;
  const wd = w.data;
  const y = new Float64Array(G.n * o * ho * wo);
  for (let nn = 0; nn < G.n; nn++) {
    for (let oo = 0; oo < o; oo++) {
      const yBase = (nn * o + oo) * ho * wo;
      if (bias !== undefined) y.fill(bias.data[oo]!, yBase, yBase + ho * wo);
      for (let cc = 0; cc < cg; cc++) {
        const xBase = (nn * c + Math.floor(oo / og) * cg + cc) * h * G.w;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const wv = wd[((oo * cg + cc) * kh + i) * kw + j]!;
            for (let oh = 0; oh < ho; oh++) {
              const ih = rows[i * ho + oh]!;
              if (ih < 0) continue;
              for (let ow = 0; ow < wo; ow++) {
                const iw = cols[j * wo + ow]!;
                if (iw >= 0) y[yBase + oh * wo + ow]! += xd[xBase + ih * G.w + iw]! * wv;
              }
            }
          }
        }
      }
    }
  }
  return fromAccumulator(y, [G.n, o, ho, wo], x.dtype);
}

/** Throws unless dy has conv2d's output shape for these inputs. */
function checkDy(dy: Shape, G: Geometry, kernel: string): void {
  const want = [G.n, G.o, G.ho, G.wo];
  check(dy.length === 4 && want.every((d, i) => d === dy[i]), kernel, () => `dy ${fmt(dy)}, expected ${fmt(want)}`);
}

/**
 * Transpose of conv2d in x: `dx[n, ci, ih, iw] = Σ dy[n, o, oh, ow] · w[o, c, kh, kw]` over every tap that
 * reads `(ih, iw)`; dy `[N, O, Ho, Wo]`, w `[O, C/G, KH, KW]` → dx of shape `xShape`.
 */
export function conv2dBackpropInput(dy: RTensor, w: RTensor, xShape: Shape, attrs: Conv2dAttrs): RTensor {
  check(dy.dtype === w.dtype, 'conv2dBackpropInput', () => `dtype mismatch: ${dy.dtype} vs ${w.dtype}`);
  const G = geometry(xShape, w.shape, attrs, 'conv2dBackpropInput');
  checkDy(dy.shape, G, 'conv2dBackpropInput');
  const { c, h, o, cg, og, kh, kw, ho, wo, rows, cols } = G;
  const dyd = dy.data;
  const wd = w.data;
  const dx = new Float64Array(G.n * c * h * G.w);
  for (let nn = 0; nn < G.n; nn++) {
    for (let oo = 0; oo < o; oo++) {
      const yBase = (nn * o + oo) * ho * wo;
      for (let cc = 0; cc < cg; cc++) {
        const xBase = (nn * c + Math.floor(oo / og) * cg + cc) * h * G.w;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const wv = wd[((oo * cg + cc) * kh + i) * kw + j]!;
            for (let oh = 0; oh < ho; oh++) {
              const ih = rows[i * ho + oh]!;
              if (ih < 0) continue;
              for (let ow = 0; ow < wo; ow++) {
                const iw = cols[j * wo + ow]!;
                if (iw >= 0) dx[xBase + ih * G.w + iw]! += dyd[yBase + oh * wo + ow]! * wv;
              }
            }
          }
        }
      }
    }
  }
  return fromAccumulator(dx, xShape, dy.dtype);
}

/**
 * Transpose of conv2d in w: `dw[o, c, kh, kw] = Σ_{n, oh, ow} x[n, ci, ih, iw] · dy[n, o, oh, ow]` over the
 * in-image taps; x `[N, C, H, W]`, dy `[N, O, Ho, Wo]` → dw of shape `wShape`.
 */
export function conv2dBackpropFilter(x: RTensor, dy: RTensor, wShape: Shape, attrs: Conv2dAttrs): RTensor {
  check(x.dtype === dy.dtype, 'conv2dBackpropFilter', () => `dtype mismatch: ${x.dtype} vs ${dy.dtype}`);
  const G = geometry(x.shape, wShape, attrs, 'conv2dBackpropFilter');
  checkDy(dy.shape, G, 'conv2dBackpropFilter');
  const { c, h, o, cg, og, kh, kw, ho, wo, rows, cols } = G;
  const xd = x.data;
  const dyd = dy.data;
  const dw = new Float64Array(o * cg * kh * kw);
  for (let nn = 0; nn < G.n; nn++) {
    for (let oo = 0; oo < o; oo++) {
      const yBase = (nn * o + oo) * ho * wo;
      for (let cc = 0; cc < cg; cc++) {
        const xBase = (nn * c + Math.floor(oo / og) * cg + cc) * h * G.w;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            let s = 0;
            for (let oh = 0; oh < ho; oh++) {
              const ih = rows[i * ho + oh]!;
              if (ih < 0) continue;
              for (let ow = 0; ow < wo; ow++) {
                const iw = cols[j * wo + ow]!;
                if (iw >= 0) s += xd[xBase + ih * G.w + iw]! * dyd[yBase + oh * wo + ow]!;
              }
            }
            dw[((oo * cg + cc) * kh + i) * kw + j]! += s;
          }
        }
      }
    }
  }
  return fromAccumulator(dw, wShape, x.dtype);
}
