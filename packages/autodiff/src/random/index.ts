/** @file Tensor-valued samplers over splittable keys: the same key gives the same numbers on every backend. */
import type { FloatDType, Shape } from '@tapenet/kernels';
import { sizeOf } from '@tapenet/kernels';
import { tensor, type Tensor } from '../tensor.js';
import { checkDType, checkInt, checkOptions, checkShape, FLOAT_DTYPES } from '../validate.js';
import type { Key } from './keys.js';
import {
  bernoulliValues,
  normalValues,
  permutationValues,
  randintValues,
  truncatedNormalValues,
  uniformValues,
} from './sample.js';

export { foldIn, isKey, type Key, key, keyFromJSON, split } from './keys.js';

export type SampleOptions = { readonly dtype?: FloatDType };

/** The validated size of `shape` and float dtype of `o` for sampler `op` (the values check their own arguments). */
function sampleArgs(op: string, shape: Shape, o: SampleOptions | undefined): { n: number; dtype: FloatDType } {
  const n = sizeOf(checkShape(op, 'shape', shape));
  return { n, dtype: checkDType(op, 'dtype', checkOptions(op, 'opts', o).dtype ?? 'float32', FLOAT_DTYPES) };
}

/** Uniform in `[lo, hi)`. */
export function uniform(k: Key, shape: Shape, lo = 0, hi = 1, o?: SampleOptions): Tensor {
  const { n, dtype } = sampleArgs('uniform', shape, o);
  return tensor(uniformValues(k, n, dtype, lo, hi), { shape });
}

/** Normal with the given mean and standard deviation. */
export function normal(k: Key, shape: Shape, mean = 0, std = 1, o?: SampleOptions): Tensor {
  const { n, dtype } = sampleArgs('normal', shape, o);
  return tensor(normalValues(k, n, dtype, mean, std), { shape });
}

/** Standard normal truncated to the open interval `(lower, upper)` (default ±2, as JAX). */
export function truncatedNormal(k: Key, shape: Shape, lower = -2, upper = 2, o?: SampleOptions): Tensor {
  const { n, dtype } = sampleArgs('truncatedNormal', shape, o);
  return tensor(truncatedNormalValues(k, n, dtype, lower, upper), { shape });
}

/** 1 with probability `p`, else 0 (in `dtype`, default float32, so it can scale activations). */
export function bernoulli(k: Key, shape: Shape, p: number, o?: SampleOptions): Tensor {
  const { n, dtype } = sampleArgs('bernoulli', shape, o);
  return tensor(bernoulliValues(k, n, p), { shape, dtype });
}

/** Integers in `[lo, hi)` (int32). */
export const randint = (k: Key, shape: Shape, lo: number, hi: number): Tensor =>
  tensor(randintValues(k, sizeOf(checkShape('randint', 'shape', shape)), lo, hi), { shape });

/** A uniform random permutation of `0 … n-1` (int32). */
export const permutation = (k: Key, n: number): Tensor =>
  tensor(permutationValues(k, checkInt('permutation', 'n', n, 0)));
