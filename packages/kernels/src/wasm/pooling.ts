/**
 * @file maxPool2d, avgPool2d and avgPool2dBackward on the wasm backend (float32 in wasm, tiles of
 * whole planes; float64 on the reference loops).
 */
import type { AvgPool2dAttrs, MaxPool2dResult, Pool2dAttrs, Shape } from '../backend.js';
import { sizeOf } from '../shape.js';
import { checkFloat, checkShape, pool2dSizes } from '../validate.js';
import { type Ctx, check, empty, type WTensor } from './context.js';
import type { WasmBuffer } from './runtime.js';
import * as L from './layout.js';

/** Writes the window geometry of pooling `xShape` and returns [descriptor, planes, output shape]. */
function describe(
  ctx: Ctx,
  xShape: Shape,
  a: Pool2dAttrs,
  kernel: string,
): [number, number, [number, number, number, number]] {
  const out = pool2dSizes(xShape, a, kernel, check);
  const { rt } = ctx;
  const d = rt.desc(L.P_WORDS);
  const planes = xShape[0]! * xShape[1]!;
  const slots: [number, number][] = [
    [L.P_PLANES, planes],
    [L.P_H, xShape[2]!],
    [L.P_W, xShape[3]!],
    [L.P_KH, a.kernel[0]],
    [L.P_KW, a.kernel[1]],
    [L.P_HO, out[2]],
    [L.P_WO, out[3]],
    [L.P_SH, a.stride[0]],
    [L.P_SW, a.stride[1]],
    [L.P_PT, a.padding[0]],
    [L.P_PL, a.padding[2]],
    [L.P_DH, a.dilation[0]],
    [L.P_DW, a.dilation[1]],
  ];
  for (const [slot, v] of slots) rt.set(d, slot, v);
  return [d, planes, out];
}

/** Planes per tile: about `tune.chunk` output elements, at least one plane. */
function planeChunk(ctx: Ctx, perPlane: number): number {
  return Math.max(1, Math.floor(ctx.tune.chunk / Math.max(1, perPlane)));
}

/** Max pooling: the window maxima and the int32 index `ih*W + iw` of each window's first maximum. */
export function maxPool2d(ctx: Ctx, x: WTensor, attrs: Pool2dAttrs): MaxPool2dResult<WasmBuffer> {
  if (x.dtype !== 'float32') return ctx.js.maxPool2d(x, attrs);
  const { rt } = ctx;
  rt.begin();
  const [d, planes, out] = describe(ctx, x.shape, attrs, 'maxPool2d');
  const len = sizeOf(out);
  const result = { values: empty(ctx, out), indices: empty(ctx, out, 'int32') };
  if (len === 0) return result;
  const px = rt.addr(x.data, 'maxPool2d');
  const pidx = result.indices.data.ptr;
  const pval = result.values.data.ptr;
  const chunk = planeChunk(ctx, out[2] * out[3]);
  rt.set(d, L.P_X, px);
  rt.set(d, L.P_OUT, pidx);
  rt.set(d, L.P_VALUES, pval);
  rt.set(d, L.P_CHUNK, chunk);
  rt.run(d, L.JOB_MAXPOOL, Math.ceil(planes / chunk), 0, len * attrs.kernel[0] * attrs.kernel[1]);
  return result;
}

/** Average pooling: `[N, C, H, W]` → `[N, C, HO, WO]`. */
export function avgPool2d(ctx: Ctx, x: WTensor, attrs: AvgPool2dAttrs): WTensor {
  checkFloat(x, 'avgPool2d', check);
  if (x.dtype !== 'float32') return ctx.js.avgPool2d(x, attrs);
  const { rt } = ctx;
  rt.begin();
  const [d, planes, out] = describe(ctx, x.shape, attrs, 'avgPool2d');
  const len = sizeOf(out);
  const y = empty(ctx, out);
  if (len === 0) return y;
  const px = rt.addr(x.data, 'avgPool2d');
  const py = y.data.ptr;
  const chunk = planeChunk(ctx, out[2] * out[3]);
  rt.set(d, L.P_X, px);
  rt.set(d, L.P_OUT, py);
  rt.set(d, L.P_INCLUDE_PAD, attrs.countIncludePad ? 1 : 0);
  rt.set(d, L.P_CHUNK, chunk);
  rt.run(d, L.JOB_AVGPOOL, Math.ceil(planes / chunk), 0, len * attrs.kernel[0] * attrs.kernel[1]);
  return y;
}

/** Adjoint of avgPool2d: dy `[N, C, HO, WO]` → dx of shape `xShape`. */
export function avgPool2dBackward(ctx: Ctx, dy: WTensor, xShape: Shape, attrs: AvgPool2dAttrs): WTensor {
  checkFloat(dy, 'avgPool2dBackward', check);
  if (dy.dtype !== 'float32') return ctx.js.avgPool2dBackward(dy, xShape, attrs);
  const { rt } = ctx;
  rt.begin();
  const [d, planes, out] = describe(ctx, xShape, attrs, 'avgPool2dBackward');
  checkShape('dy', dy.shape, out, 'avgPool2dBackward', check);
  const len = sizeOf(xShape);
  const dx = empty(ctx, xShape);
  if (len === 0) return dx;
  const pdy = rt.addr(dy.data, 'avgPool2dBackward');
  const pdx = dx.data.ptr;
  const chunk = planeChunk(ctx, xShape[2]! * xShape[3]!);
  rt.set(d, L.P_X, pdy);
  rt.set(d, L.P_OUT, pdx);
  rt.set(d, L.P_INCLUDE_PAD, attrs.countIncludePad ? 1 : 0);
  rt.set(d, L.P_CHUNK, chunk);
  rt.run(d, L.JOB_AVGPOOL_BACK, Math.ceil(planes / chunk), 0, sizeOf(out) * attrs.kernel[0] * attrs.kernel[1]);
  return dx;
}
