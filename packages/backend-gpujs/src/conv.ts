/**
 * @file conv2d and its two adjoints (PyTorch semantics: cross-correlation, NCHW/OIHW, groups, dilation,
 * asymmetric padding). Each output element loops over the taps that reach it, gather-style:
 * - conv2d: `y[n,o,oh,ow] = Σ_{c,i,j} x[n, g·Cg + c, oh·sH - top + i·dH, ow·sW - left + j·dW] · w[o,c,i,j]`;
 * - backpropInput: for `dx[n,ci,ih,iw]`, the taps with `ih + top - i·dH = oh·sH` (and likewise for columns);
 * - backpropFilter: `dw[o,c,i,j] = Σ_{n,oh,ow} x[...] · dy[n,o,oh,ow]`.
 * Loops are bounded by compiled-in constants with `loopMaxIterations` set to the largest of them, so a
 * reduction over Cin·K·K = 576 taps is never cut at gpu.js's default.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { Conv2dAttrs, Conv2dSizes, Shape } from '@tapenet/kernels';
import { checkConvBias, checkConvDy, checkFloat, checkSameDtype, conv2dSizes } from '@tapenet/kernels';
import { binary, check } from './elementwise.js';
import type { GTensor, Runtime, LaunchSpec } from './runtime.js';

declare function floorDiv(r: number, d: number): number;

/** Sizes and attrs of one convolution, compiled into the kernels as constants. */
interface ConvConsts {
  readonly nb: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly cg: number;
  readonly og: number;
  readonly kh: number;
  readonly kw: number;
  readonly ho: number;
  readonly wo: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
  readonly dh: number;
  readonly dw: number;
}

/** One element of y `[N, O, Ho, Wo]`. */
export function conv2dKernel(this: IKernelFunctionThis<ConvConsts>, x: Float32Array, wt: Float32Array): number {
  const q = floorDiv(this.thread.x, this.constants.wo);
  const ow = this.thread.x - q * this.constants.wo;
  const q2 = floorDiv(q, this.constants.ho);
  const oh = q - q2 * this.constants.ho;
  const nn = floorDiv(q2, this.constants.o);
  const oo = q2 - nn * this.constants.o;
  const g = floorDiv(oo, this.constants.og);
  let s = 0;
  for (let ci = 0; ci < this.constants.cg; ci++) {
    const xBase = (nn * this.constants.c + g * this.constants.cg + ci) * this.constants.h * this.constants.w;
    const wBase = (oo * this.constants.cg + ci) * this.constants.kh * this.constants.kw;
    for (let i = 0; i < this.constants.kh; i++) {
      const ih = oh * this.constants.sh - this.constants.pt + i * this.constants.dh;
      if (ih >= 0 && ih < this.constants.h) {
        for (let j = 0; j < this.constants.kw; j++) {
          const iw = ow * this.constants.sw - this.constants.pl + j * this.constants.dw;
          if (iw >= 0 && iw < this.constants.w) {
            s += x[xBase + ih * this.constants.w + iw]! * wt[wBase + i * this.constants.kw + j]!;
          }
        }
      }
    }
  }
  return s;
}

/** One element of dx `[N, C, H, W]`. */
export function conv2dInputGradKernel(
  this: IKernelFunctionThis<ConvConsts>,
  dy: Float32Array,
  wt: Float32Array,
): number {
  const q = floorDiv(this.thread.x, this.constants.w);
  const iw = this.thread.x - q * this.constants.w;
  const q2 = floorDiv(q, this.constants.h);
  const ih = q - q2 * this.constants.h;
  const nn = floorDiv(q2, this.constants.c);
  const ci = q2 - nn * this.constants.c;
  const g = floorDiv(ci, this.constants.cg);
  const cc = ci - g * this.constants.cg;
  let s = 0;
  for (let oi = 0; oi < this.constants.og; oi++) {
    const oo = g * this.constants.og + oi;
    const dyBase = (nn * this.constants.o + oo) * this.constants.ho * this.constants.wo;
    const wBase = (oo * this.constants.cg + cc) * this.constants.kh * this.constants.kw;
    for (let i = 0; i < this.constants.kh; i++) {
      const th = ih + this.constants.pt - i * this.constants.dh;
      const oh = floorDiv(Math.max(th, 0), this.constants.sh);
      if (th >= 0 && oh * this.constants.sh === th && oh < this.constants.ho) {
        for (let j = 0; j < this.constants.kw; j++) {
          const tw = iw + this.constants.pl - j * this.constants.dw;
          const ow = floorDiv(Math.max(tw, 0), this.constants.sw);
          if (tw >= 0 && ow * this.constants.sw === tw && ow < this.constants.wo) {
            s += dy[dyBase + oh * this.constants.wo + ow]! * wt[wBase + i * this.constants.kw + j]!;
          }
        }
      }
    }
  }
  return s;
}

/** One element of dw `[O, C/G, KH, KW]`. */
export function conv2dFilterGradKernel(
  this: IKernelFunctionThis<ConvConsts>,
  x: Float32Array,
  dy: Float32Array,
): number {
  const q = floorDiv(this.thread.x, this.constants.kw);
  const j = this.thread.x - q * this.constants.kw;
  const q2 = floorDiv(q, this.constants.kh);
  const i = q - q2 * this.constants.kh;
  const oo = floorDiv(q2, this.constants.cg);
  const cc = q2 - oo * this.constants.cg;
  const ci = floorDiv(oo, this.constants.og) * this.constants.cg + cc;
  let s = 0;
  for (let nn = 0; nn < this.constants.nb; nn++) {
    const xBase = (nn * this.constants.c + ci) * this.constants.h * this.constants.w;
    const dyBase = (nn * this.constants.o + oo) * this.constants.ho * this.constants.wo;
    for (let oh = 0; oh < this.constants.ho; oh++) {
      const ih = oh * this.constants.sh - this.constants.pt + i * this.constants.dh;
      if (ih >= 0 && ih < this.constants.h) {
        for (let ow = 0; ow < this.constants.wo; ow++) {
          const iw = ow * this.constants.sw - this.constants.pl + j * this.constants.dw;
          if (iw >= 0 && iw < this.constants.w) {
            s += x[xBase + ih * this.constants.w + iw]! * dy[dyBase + oh * this.constants.wo + ow]!;
          }
        }
      }
    }
  }
  return s;
}

/**
 * Validates shapes and attrs (throwing `gpujs.<kernel>: ...`) and returns the sizes (for the shared dy
 * check) and the kernel constants.
 */
function geometry(xShape: Shape, wShape: Shape, a: Conv2dAttrs, kernel: string): [Conv2dSizes, ConvConsts] {
  const z = conv2dSizes(xShape, wShape, a, kernel, check);
  const { n: nb, c, h, w, o, cg, og, kh, kw, ho, wo } = z;
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  return [z, { nb, c, h, w, o, cg, og, kh, kw, ho, wo, sh, sw, pt: a.padding[0], pl: a.padding[2], dh, dw }];
}

/** Throws unless a and b share a float dtype (float32: this backend has no float64 tensors). */
function checkOperands(a: GTensor, b: GTensor, kernel: string): void {
  checkSameDtype(a, b, kernel, check);
  checkFloat(a, kernel, check);
}

/**
 * x `[N, C, H, W]`, w `[O, C/G, KH, KW]` → y `[N, O, Ho, Wo]`. A bias `[O]` is added by this backend's own
 * broadcast add afterwards (one more kernel launch; the fusion pays where results are copied per call).
 */
export function conv2d(rt: Runtime, x: GTensor, w: GTensor, attrs: Conv2dAttrs, bias?: GTensor): GTensor {
  checkOperands(x, w, 'conv2d');
  const [, G] = geometry(x.shape, w.shape, attrs, 'conv2d');
  if (bias !== undefined) checkConvBias(bias, G.o, x.dtype, 'conv2d', check);
  const launch: LaunchSpec = {
    label: 'conv2d',
    kernel: 'conv2dKernel',
    constants: { ...G },
    loopMax: Math.max(G.cg, G.kh, G.kw),
  };
  const y = rt.tensor(launch, [x, w], [G.nb, G.o, G.ho, G.wo], 'float32');
  if (bias === undefined) return y;
  const out = binary(rt, 'add', y, { ...bias, shape: [1, G.o, 1, 1] });
  rt.release(y.data);
  return out;
}

/** dy `[N, O, Ho, Wo]`, w → dx of shape `xShape`. */
export function conv2dBackpropInput(rt: Runtime, dy: GTensor, w: GTensor, xShape: Shape, attrs: Conv2dAttrs): GTensor {
  const label = 'conv2dBackpropInput';
  checkOperands(dy, w, label);
  const [z, G] = geometry(xShape, w.shape, attrs, label);
  checkConvDy(dy.shape, z, label, check);
  const launch: LaunchSpec = {
    label,
    kernel: 'conv2dInputGradKernel',
    constants: { ...G },
    loopMax: Math.max(G.og, G.kh, G.kw),
  };
  return rt.tensor(launch, [dy, w], xShape, 'float32');
}

/** x `[N, C, H, W]`, dy `[N, O, Ho, Wo]` → dw of shape `wShape`. */
export function conv2dBackpropFilter(rt: Runtime, x: GTensor, dy: GTensor, wShape: Shape, attrs: Conv2dAttrs): GTensor {
  const label = 'conv2dBackpropFilter';
  checkOperands(x, dy, label);
  const [z, G] = geometry(x.shape, wShape, attrs, label);
  checkConvDy(dy.shape, z, label, check);
  const launch: LaunchSpec = {
    label,
    kernel: 'conv2dFilterGradKernel',
    constants: { ...G },
    loopMax: Math.max(G.nb, G.ho, G.wo),
  };
  return rt.tensor(launch, [x, dy], wShape, 'float32');
}
