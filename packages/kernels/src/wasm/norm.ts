/**
 * @file batchNorm and batchNormBackward on the wasm backend (float32 in wasm, tiles of whole channels;
 * float64 on the reference loops). Each call copies x (and dy) in once and its outputs out once, where
 * the same maths from elementwise kernels and reductions would copy full-size tensors a dozen times.
 */
import type { BatchNormGrads, BatchNormResult, TypedArray } from '../backend.js';
import { reference } from '../reference/index.js';
import { batchNormSizes, checkBatchNormDy } from '../validate.js';
import { allF32, type Ctx, check, tensor, type WTensor } from './context.js';
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
): BatchNormResult<TypedArray> {
  if (!allF32(x, weight, bias)) return reference.kernels.batchNorm(x, weight, bias, eps);
  const { rt } = ctx;
  rt.begin();
  const [d, n, c, l, tiles] = describe(ctx, 'batchNorm', x, { weight, bias }, eps);
  const len = n * c * l;
  const py = rt.alloc(len * 4);
  const pm = rt.alloc(c * 4);
  const pv = rt.alloc(c * 4);
  rt.set(d, L.BN_X, rt.put(x.data as Float32Array));
  rt.set(d, L.BN_W, rt.put(weight.data as Float32Array));
  rt.set(d, L.BN_B, rt.put(bias.data as Float32Array));
  rt.set(d, L.BN_OUT, py);
  rt.set(d, L.BN_MEAN, pm);
  rt.set(d, L.BN_VAR, pv);
  rt.run(d, L.JOB_BATCHNORM, tiles, 0, len * 1.5);
  return {
    y: tensor(rt.takeF32(py, len), x.shape, 'float32'),
    mean: tensor(rt.takeF32(pm, c), [c], 'float32'),
    variance: tensor(rt.takeF32(pv, c), [c], 'float32'),
  };
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
): BatchNormGrads<TypedArray> {
  if (!allF32(dy, x, weight, mean, variance)) {
    return reference.kernels.batchNormBackward(dy, x, weight, mean, variance, eps);
  }
  checkBatchNormDy(dy, x, check);
  const { rt } = ctx;
  rt.begin();
  const [d, n, c, l, tiles] = describe(ctx, 'batchNormBackward', x, { weight, mean, variance }, eps);
  const len = n * c * l;
  const pdx = rt.alloc(len * 4);
  const pdw = rt.alloc(c * 4);
  const pdb = rt.alloc(c * 4);
  rt.set(d, L.BN_DY, rt.put(dy.data as Float32Array));
  rt.set(d, L.BN_X, rt.put(x.data as Float32Array));
  rt.set(d, L.BN_W, rt.put(weight.data as Float32Array));
  rt.set(d, L.BN_MEAN, rt.put(mean.data as Float32Array));
  rt.set(d, L.BN_VAR, rt.put(variance.data as Float32Array));
  rt.set(d, L.BN_OUT, pdx);
  rt.set(d, L.BN_DW, pdw);
  rt.set(d, L.BN_DB, pdb);
  rt.run(d, L.JOB_BATCHNORM_BACK, tiles, 0, len * 1.5);
  return {
    dx: tensor(rt.takeF32(pdx, len), x.shape, 'float32'),
    dWeight: tensor(rt.takeF32(pdw, c), [c], 'float32'),
    dBias: tensor(rt.takeF32(pdb, c), [c], 'float32'),
  };
}
