/**
 * @file batchNorm and batchNormBackward on the wasm backend (float32 in wasm, tiles of whole channels;
 * float64 on the reference loops).
 */
import type { BatchNormGrads, BatchNormResult } from '../backend.js';
import { batchNormSizes, checkBatchNormDy } from '../validate.js';
import { allF32, type Ctx, check, empty, type WTensor } from './context.js';
import type { WasmBuffer } from './runtime.js';
import * as L from './layout.js';

/** Checks shapes, writes the geometry and eps into a new descriptor; returns it with [N, C, L] and the tiles. */
function describe(
  ctx: Ctx,
  kernel: string,
  x: WTensor,
  perChannel: Record<string, WTensor>,
  eps: number,
): [number, number, number, number, number] {
  const [n, c, l] = batchNormSizes(x, perChannel, kernel, check);
  const { rt } = ctx;
  const d = rt.desc(L.BN_WORDS);
  rt.set(d, L.BN_N, n);
  rt.set(d, L.BN_C, c);
  rt.set(d, L.BN_L, l);
  rt.set(d, L.BN_EPS, rt.put(Float32Array.of(eps)));
  // Whole channels per tile, about `chunk` elements each.
  const chunk = Math.max(1, Math.floor(ctx.tune.chunk / (n * l)));
  rt.set(d, L.BN_CHUNK, chunk);
  return [d, n, c, l, Math.ceil(c / chunk)];
}

/** Batch normalisation with batch statistics (see `Kernels.batchNorm`). */
export function batchNorm(
  ctx: Ctx,
  x: WTensor,
  weight: WTensor,
  bias: WTensor,
  eps: number,
): BatchNormResult<WasmBuffer> {
  if (!allF32(x, weight, bias)) return ctx.js.batchNorm(x, weight, bias, eps);
  const { rt } = ctx;
  const c = x.shape[1] ?? 0;
  const out = { y: empty(ctx, x.shape), mean: empty(ctx, [c]), variance: empty(ctx, [c]) };
  rt.begin();
  const [d, n, , l, tiles] = describe(ctx, 'batchNorm', x, { weight, bias }, eps);
  const k = 'batchNorm';
  rt.set(d, L.BN_X, rt.addr(x.data, k));
  rt.set(d, L.BN_W, rt.addr(weight.data, k));
  rt.set(d, L.BN_B, rt.addr(bias.data, k));
  rt.set(d, L.BN_OUT, out.y.data.ptr);
  rt.set(d, L.BN_MEAN, out.mean.data.ptr);
  rt.set(d, L.BN_VAR, out.variance.data.ptr);
  rt.run(d, L.JOB_BATCHNORM, tiles, 0, n * c * l * 1.5);
  return out;
}

/** The gradients of batchNorm (see `Kernels.batchNormBackward`). */
export function batchNormBackward(
  ctx: Ctx,
  dy: WTensor,
  x: WTensor,
  weight: WTensor,
  mean: WTensor,
  variance: WTensor,
  eps: number,
): BatchNormGrads<WasmBuffer> {
  if (!allF32(dy, x, weight, mean, variance)) {
    return ctx.js.batchNormBackward(dy, x, weight, mean, variance, eps);
  }
  checkBatchNormDy(dy, x, check);
  const { rt } = ctx;
  const c = x.shape[1] ?? 0;
  const out = { dx: empty(ctx, x.shape), dWeight: empty(ctx, [c]), dBias: empty(ctx, [c]) };
  rt.begin();
  const [d, n, , l, tiles] = describe(ctx, 'batchNormBackward', x, { weight, mean, variance }, eps);
  const k = 'batchNormBackward';
  rt.set(d, L.BN_DY, rt.addr(dy.data, k));
  rt.set(d, L.BN_X, rt.addr(x.data, k));
  rt.set(d, L.BN_W, rt.addr(weight.data, k));
  rt.set(d, L.BN_MEAN, rt.addr(mean.data, k));
  rt.set(d, L.BN_VAR, rt.addr(variance.data, k));
  rt.set(d, L.BN_OUT, out.dx.data.ptr);
  rt.set(d, L.BN_DW, out.dWeight.data.ptr);
  rt.set(d, L.BN_DB, out.dBias.data.ptr);
  rt.run(d, L.JOB_BATCHNORM_BACK, tiles, 0, n * c * l * 1.5);
  return out;
}
