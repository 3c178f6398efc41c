/**
 * @file batchNorm and batchNormBackward: batch normalisation with batch statistics over every axis but 1.
 *
 * Each channel's values sit in N runs of L = size/(N·C) contiguous elements. Sums accumulate in float64
 * and the variance takes a second pass over x − μ (no cancellation of Σx² − nμ²); results round once.
 */
import type { BatchNormGrads, BatchNormResult, TypedArray } from '../backend.js';
import { allocate } from '../shape.js';
import { batchNormSizes, checkBatchNormDy } from '../validate.js';
import { check, type RTensor, tensorOf } from './tensor.js';

/** Σ f(i) over the elements i of channel `ch`, in float64. */
function channelSum(n: number, c: number, l: number, ch: number, f: (i: number) => number): number {
  let s = 0;
  for (let b = 0; b < n; b++) {
    const base = (b * c + ch) * l;
    for (let j = 0; j < l; j++) s += f(base + j);
  }
  return s;
}

/** Batch normalisation with batch statistics: `y = (x − μ)/√(σ² + eps)·weight + bias` per channel. */
export function batchNorm(x: RTensor, weight: RTensor, bias: RTensor, eps: number): BatchNormResult<TypedArray> {
  const [n, c, l] = batchNormSizes(x, { weight, bias }, 'batchNorm', check);
  const xd = x.data;
  const y = allocate(x.dtype, xd.length);
  const mean = allocate(x.dtype, c);
  const variance = allocate(x.dtype, c);
  const count = n * l;
  for (let ch = 0; ch < c; ch++) {
    const mu = channelSum(n, c, l, ch, (i) => xd[i]!) / count;
    const v = channelSum(n, c, l, ch, (i) => (xd[i]! - mu) ** 2) / count;
    const scale = weight.data[ch]! / Math.sqrt(v + eps);
    const shift = bias.data[ch]!;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * l;
      for (let j = base; j < base + l; j++) y[j] = (xd[j]! - mu) * scale + shift;
    }
    mean[ch] = mu;
    variance[ch] = v;
  }
  return {
    y: tensorOf(y, x.shape, x.dtype),
    mean: tensorOf(mean, [c], x.dtype),
    variance: tensorOf(variance, [c], x.dtype),
  };
}

/** Gradients of batchNorm: `dBias = Σ dy`, `dWeight = Σ dy·x̂`, `dx = weight·r·(dy − (dBias + x̂·dWeight)/n)`. */
export function batchNormBackward(
  dy: RTensor,
  x: RTensor,
  weight: RTensor,
  mean: RTensor,
  variance: RTensor,
  eps: number,
): BatchNormGrads<TypedArray> {
  const [n, c, l] = batchNormSizes(x, { weight, mean, variance }, 'batchNormBackward', check);
  checkBatchNormDy(dy, x, check);
  const xd = x.data;
  const g = dy.data;
  const dx = allocate(x.dtype, xd.length);
  const dWeight = allocate(x.dtype, c);
  const dBias = allocate(x.dtype, c);
  const count = n * l;
  for (let ch = 0; ch < c; ch++) {
    const mu = mean.data[ch]!;
    const r = 1 / Math.sqrt(variance.data[ch]! + eps);
    const sumDy = channelSum(n, c, l, ch, (i) => g[i]!);
    const sumDyXhat = channelSum(n, c, l, ch, (i) => g[i]! * (xd[i]! - mu)) * r;
    const k = weight.data[ch]! * r;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * l;
      for (let j = base; j < base + l; j++) {
        dx[j] = k * (g[j]! - (sumDy + (xd[j]! - mu) * r * sumDyXhat) / count);
      }
    }
    dWeight[ch] = sumDyXhat;
    dBias[ch] = sumDy;
  }
  return {
    dx: tensorOf(dx, x.shape, x.dtype),
    dWeight: tensorOf(dWeight, [c], x.dtype),
    dBias: tensorOf(dBias, [c], x.dtype),
  };
}
