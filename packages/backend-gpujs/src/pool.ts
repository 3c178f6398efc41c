/**
 * @file 2-D pooling over NCHW planes: maxPool2d (maxima and indices), avgPool2d and its adjoint.
 * Window `(oh, ow)` at offset `(i, j)` reads row `oh·sH - top + i·dH` and column `ow·sW - left + j·dW`;
 * positions outside the image are padding: they never win a max, and count towards an average's divisor
 * only with `countIncludePad`.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { AvgPool2dAttrs, MaxPool2dResult, Pool2dAttrs, Shape } from '@tapenet/kernels';
import { checkFloat, checkShape, pool2dSizes } from '@tapenet/kernels';
import { check } from './elementwise.js';
import type { GpujsData, GTensor, Runtime, LaunchSpec } from './runtime.js';

declare function floorDiv(r: number, d: number): number;
declare function isNan(v: number): number;

interface PoolConsts {
  readonly h: number;
  readonly w: number;
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
  /** 1 when padding counts towards an average's divisor. */
  readonly cip: number;
}

/**
 * Per window: with `value` 0, the flat `ih·W + iw` of its first maximum (a NaN wins; -1 for a window wholly
 * in padding); with `value` 1, that maximum (`empty`, -∞, for a window wholly in padding: passed in as an
 * argument because GLSL has no infinity literal).
 */
export function maxPoolKernel(
  this: IKernelFunctionThis<PoolConsts & { value: number }>,
  x: Float32Array,
  empty: number,
): number {
  const q = floorDiv(this.thread.x, this.constants.wo);
  const ow = this.thread.x - q * this.constants.wo;
  const p = floorDiv(q, this.constants.ho);
  const oh = q - p * this.constants.ho;
  const base = p * this.constants.h * this.constants.w;
  let best = 0;
  let at = -1;
  for (let i = 0; i < this.constants.kh; i++) {
    const ih = oh * this.constants.sh - this.constants.pt + i * this.constants.dh;
    if (ih >= 0 && ih < this.constants.h) {
      for (let j = 0; j < this.constants.kw; j++) {
        const iw = ow * this.constants.sw - this.constants.pl + j * this.constants.dw;
        if (iw >= 0 && iw < this.constants.w) {
          const v = x[base + ih * this.constants.w + iw]!;
          let better = 0;
          if (at < 0 || v > best) {
            better = 1;
          }
          if (isNan(v) > 0 && isNan(best) === 0) {
            better = 1;
          }
          if (better > 0) {
            best = v;
            at = ih * this.constants.w + iw;
          }
        }
      }
    }
  }
  if (this.constants.value > 0) {
    if (at < 0) {
      return empty;
    }
    return best;
  }
  return at;
}

/** Mean of each window's in-image taps over `KH·KW` (cip) or their count; 0 for a window wholly in padding. */
export function avgPoolKernel(this: IKernelFunctionThis<PoolConsts>, x: Float32Array): number {
  const q = floorDiv(this.thread.x, this.constants.wo);
  const ow = this.thread.x - q * this.constants.wo;
  const p = floorDiv(q, this.constants.ho);
  const oh = q - p * this.constants.ho;
  const base = p * this.constants.h * this.constants.w;
  let s = 0;
  let count = 0;
  for (let i = 0; i < this.constants.kh; i++) {
    const ih = oh * this.constants.sh - this.constants.pt + i * this.constants.dh;
    if (ih >= 0 && ih < this.constants.h) {
      for (let j = 0; j < this.constants.kw; j++) {
        const iw = ow * this.constants.sw - this.constants.pl + j * this.constants.dw;
        if (iw >= 0 && iw < this.constants.w) {
          s += x[base + ih * this.constants.w + iw]!;
          count += 1;
        }
      }
    }
  }
  if (count === 0) {
    return 0;
  }
  if (this.constants.cip > 0) {
    return s / (this.constants.kh * this.constants.kw);
  }
  return s / count;
}

/** `dx[p, ih, iw] = Σ_{windows reading (ih, iw)} dy[window] / divisor(window)`. */
export function avgPoolGradKernel(this: IKernelFunctionThis<PoolConsts>, dy: Float32Array): number {
  const q = floorDiv(this.thread.x, this.constants.w);
  const iw = this.thread.x - q * this.constants.w;
  const p = floorDiv(q, this.constants.h);
  const ih = q - p * this.constants.h;
  let s = 0;
  for (let i = 0; i < this.constants.kh; i++) {
    const th = ih + this.constants.pt - i * this.constants.dh;
    const oh = floorDiv(Math.max(th, 0), this.constants.sh);
    if (th >= 0 && oh * this.constants.sh === th && oh < this.constants.ho) {
      let rows = 0;
      for (let i2 = 0; i2 < this.constants.kh; i2++) {
        const r = oh * this.constants.sh - this.constants.pt + i2 * this.constants.dh;
        if (r >= 0 && r < this.constants.h) {
          rows += 1;
        }
      }
      for (let j = 0; j < this.constants.kw; j++) {
        const tw = iw + this.constants.pl - j * this.constants.dw;
        const ow = floorDiv(Math.max(tw, 0), this.constants.sw);
        if (tw >= 0 && ow * this.constants.sw === tw && ow < this.constants.wo) {
          let cols = 0;
          for (let j2 = 0; j2 < this.constants.kw; j2++) {
            const c = ow * this.constants.sw - this.constants.pl + j2 * this.constants.dw;
            if (c >= 0 && c < this.constants.w) {
              cols += 1;
            }
          }
          let d = rows * cols;
          if (this.constants.cip > 0) {
            d = this.constants.kh * this.constants.kw;
          }
          s += dy[(p * this.constants.ho + oh) * this.constants.wo + ow]! / d;
        }
      }
    }
  }
  return s;
}

/** Validates and returns the constants plus the `[N, C, Ho, Wo]` output shape. */
function windows(xShape: Shape, a: Pool2dAttrs, cip: boolean, kernel: string): [PoolConsts, Shape] {
  const outShape = pool2dSizes(xShape, a, kernel, check);
  const [, , ho, wo] = outShape;
  const [h, w] = [xShape[2]!, xShape[3]!];
  const consts: PoolConsts = {
    h,
    w,
    kh: a.kernel[0],
    kw: a.kernel[1],
    ho,
    wo,
    sh: a.stride[0],
    sw: a.stride[1],
    pt: a.padding[0],
    pl: a.padding[2],
    dh: a.dilation[0],
    dw: a.dilation[1],
    cip: cip ? 1 : 0,
  };
  return [consts, outShape];
}

/** x `[N, C, H, W]` → the maxima and the int32 flat in-plane indices of each window's first max. */
export function maxPool2d(rt: Runtime, x: GTensor, attrs: Pool2dAttrs): MaxPool2dResult<GpujsData> {
  const [P, outShape] = windows(x.shape, attrs, false, 'maxPool2d');
  const launch = (value: number): LaunchSpec => ({
    label: 'maxPool2d',
    kernel: 'maxPoolKernel',
    constants: { ...P, value },
    loopMax: Math.max(P.kh, P.kw),
  });
  return {
    values: rt.tensor(launch(1), [x, Number.NEGATIVE_INFINITY], outShape, x.dtype),
    indices: rt.tensor(launch(0), [x, Number.NEGATIVE_INFINITY], outShape, 'int32'),
  };
}

/** x `[N, C, H, W]` → `[N, C, Ho, Wo]`. */
export function avgPool2d(rt: Runtime, x: GTensor, attrs: AvgPool2dAttrs): GTensor {
  checkFloat(x, 'avgPool2d', check);
  const [P, outShape] = windows(x.shape, attrs, attrs.countIncludePad, 'avgPool2d');
  const launch: LaunchSpec = {
    label: 'avgPool2d',
    kernel: 'avgPoolKernel',
    constants: { ...P },
    loopMax: Math.max(P.kh, P.kw),
  };
  return rt.tensor(launch, [x], outShape, 'float32');
}

/** dy `[N, C, Ho, Wo]` → dx of shape `xShape`. */
export function avgPool2dBackward(rt: Runtime, dy: GTensor, xShape: Shape, attrs: AvgPool2dAttrs): GTensor {
  const label = 'avgPool2dBackward';
  checkFloat(dy, label, check);
  const [P, outShape] = windows(xShape, attrs, attrs.countIncludePad, label);
  checkShape('dy', dy.shape, outShape, label, check);
  const launch: LaunchSpec = { label, kernel: 'avgPoolGradKernel', constants: { ...P }, loopMax: Math.max(P.kh, P.kw) };
  return rt.tensor(launch, [dy], xShape, 'float32');
}
