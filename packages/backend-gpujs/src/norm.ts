/**
 * @file batchNorm and batchNormBackward: batch normalisation with batch statistics over every axis but 1.
 * x `[N, C, ...]` is walked as `[N, C, L]`: channel `ch` owns N runs of L contiguous values. Per-channel
 * kernels (one thread per channel) loop over those N·L values, bounded by `loopMax = max(N, L)`; one
 * elementwise kernel then applies the statistics. Sums accumulate in float32, one partial sum per run.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { BatchNormGrads, BatchNormResult, Shape } from '@tapenet/kernels';
import { batchNormSizes, checkBatchNormDy } from '@tapenet/kernels';
import { check } from './elementwise.js';
import type { GpujsData, GTensor, DeviceFunction, Launch, Runtime } from './runtime.js';

declare function floorDiv(r: number, d: number): number;

interface NormConsts {
  readonly n: number;
  readonly c: number;
  readonly l: number;
  /** channelGradKernel: 0 `dBias = Σ dy`, 1 `dWeight = r·Σ dy·(x − μ)`. */
  readonly op: number;
}

/**
 * Channel mean, summed as offsets from the channel's first value x0: `μ = x0 + Σ(x − x0)/n`. With a mean far
 * from 0, a plain float32 sum of N·L values loses the low bits of every term to the large running total,
 * and y = (x − μ)·r magnifies that error of μ by 1/σ; the offsets are only of the order of the spread.
 */
export function channelMeanKernel(this: IKernelFunctionThis<NormConsts>, x: Float32Array): number {
  const pivot = x[this.thread.x * this.constants.l]!;
  let s = 0;
  for (let b = 0; b < this.constants.n; b++) {
    const base = (b * this.constants.c + this.thread.x) * this.constants.l;
    let run = 0;
    for (let j = 0; j < this.constants.l; j++) {
      run += x[base + j]! - pivot;
    }
    s += run;
  }
  return pivot + s / (this.constants.n * this.constants.l);
}

/** Channel biased variance, a second pass over x − μ (no cancellation of Σx² − nμ²). */
export function channelVarianceKernel(
  this: IKernelFunctionThis<NormConsts>,
  x: Float32Array,
  mean: Float32Array,
): number {
  const mu = mean[this.thread.x]!;
  let s = 0;
  for (let b = 0; b < this.constants.n; b++) {
    const base = (b * this.constants.c + this.thread.x) * this.constants.l;
    let run = 0;
    for (let j = 0; j < this.constants.l; j++) {
      const d = x[base + j]! - mu;
      run += d * d;
    }
    s += run;
  }
  return s / (this.constants.n * this.constants.l);
}

/** `y = (x − μ)·weight/√(σ² + eps) + bias`, the statistics looked up by the channel of each element. */
export function batchNormApplyKernel(
  this: IKernelFunctionThis<NormConsts>,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  eps: number,
): number {
  const q = floorDiv(this.thread.x, this.constants.l);
  const ch = q - floorDiv(q, this.constants.c) * this.constants.c;
  const scale = weight[ch]! / Math.sqrt(variance[ch]! + eps);
  return (x[this.thread.x]! - mean[ch]!) * scale + bias[ch]!;
}

/**
 * Per channel: `dBias = Σ dy` (op 0) or `dWeight = r·Σ dy·(x − μ)` = `Σ dy·x̂` (op 1), r = 1/√(σ² + eps).
 * Plain sums: their tolerance scales with the sum itself, and gradients are mostly centred near 0, where
 * the mean's offsets from a first value would only add a large running total.
 */
export function channelGradKernel(
  this: IKernelFunctionThis<NormConsts>,
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): number {
  const mu = mean[this.thread.x]!;
  let s = 0;
  for (let b = 0; b < this.constants.n; b++) {
    const base = (b * this.constants.c + this.thread.x) * this.constants.l;
    let run = 0;
    for (let j = 0; j < this.constants.l; j++) {
      if (this.constants.op === 0) {
        run += dy[base + j]!;
      } else {
        run += dy[base + j]! * (x[base + j]! - mu);
      }
    }
    s += run;
  }
  if (this.constants.op === 0) {
    return s;
  }
  return s / Math.sqrt(variance[this.thread.x]! + eps);
}

/** `dx = weight·r·(dy − (dBias + x̂·dWeight)/n)`, x̂ = (x − μ)·r, per element. */
export function batchNormGradKernel(
  this: IKernelFunctionThis<NormConsts>,
  dy: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  dWeight: Float32Array,
  dBias: Float32Array,
  eps: number,
): number {
  const q = floorDiv(this.thread.x, this.constants.l);
  const ch = q - floorDiv(q, this.constants.c) * this.constants.c;
  const r = 1 / Math.sqrt(variance[ch]! + eps);
  const xhat = (x[this.thread.x]! - mean[ch]!) * r;
  const count = this.constants.n * this.constants.l;
  return weight[ch]! * r * (dy[this.thread.x]! - (dBias[ch]! + xhat * dWeight[ch]!) / count);
}

/**
 * `{ n, c, l }` of x `[N, C, L]`, after the shared checks of x (float, rank ≥ 2, values per channel) and of
 * each `[C]` tensor (x's dtype); float means float32 here, this backend has no float64 tensors.
 */
function layout(label: string, x: GTensor, perChannel: Record<string, GTensor>): NormConsts {
  const [n, c, l] = batchNormSizes(x, perChannel, label, check);
  return { n, c, l, op: 0 };
}

/** A launch of `kernel` with the layout's constants; the per-channel loops run N and L times. */
function launch(label: string, kernel: DeviceFunction, k: NormConsts): Omit<Launch, 'size'> {
  return { label, kernel, constants: { ...k }, loopMax: Math.max(k.n, k.l) };
}

/** Batch normalisation with batch statistics: y plus each channel's mean and biased variance. */
export function batchNorm(
  rt: Runtime,
  x: GTensor,
  weight: GTensor,
  bias: GTensor,
  eps: number,
): BatchNormResult<GpujsData> {
  const label = 'batchNorm';
  const k = layout(label, x, { weight, bias });
  const cShape: Shape = [k.c];
  const mean = rt.tensor(launch(label, 'channelMeanKernel', k), [x], cShape, 'float32');
  const variance = rt.tensor(launch(label, 'channelVarianceKernel', k), [x, mean], cShape, 'float32');
  const apply = launch(label, 'batchNormApplyKernel', k);
  const y = rt.tensor(apply, [x, mean, variance, weight, bias, eps], x.shape, 'float32');
  return { y, mean, variance };
}

/** Gradients of batchNorm from dy, the forward's x and weight and the statistics it returned. */
export function batchNormBackward(
  rt: Runtime,
  dy: GTensor,
  x: GTensor,
  weight: GTensor,
  mean: GTensor,
  variance: GTensor,
  eps: number,
): BatchNormGrads<GpujsData> {
  const label = 'batchNormBackward';
  const k = layout(label, x, { weight, mean, variance });
  checkBatchNormDy(dy, x, check);
  const cShape: Shape = [k.c];
  const sums = [dy, x, mean, variance, eps];
  const dBias = rt.tensor(launch(label, 'channelGradKernel', { ...k, op: 0 }), sums, cShape, 'float32');
  const dWeight = rt.tensor(launch(label, 'channelGradKernel', { ...k, op: 1 }), sums, cShape, 'float32');
  const apply = launch(label, 'batchNormGradKernel', k);
  const dx = rt.tensor(apply, [dy, x, weight, mean, variance, dWeight, dBias, eps], x.shape, 'float32');
  return { dx, dWeight, dBias };
}
