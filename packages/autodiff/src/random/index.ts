/** @file Tensor-valued samplers over splittable keys: the same key gives the same numbers on every backend. */
import type { FloatDType, Shape } from '@tapenet/kernels';
import { sizeOf } from '@tapenet/kernels';
import { tensor, type Tensor } from '../tensor.js';
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

/** Uniform in `[lo, hi)`. */
export const uniform = (k: Key, shape: Shape, lo = 0, hi = 1, o: SampleOptions = {}): Tensor =>
  tensor(uniformValues(k, sizeOf(shape), o.dtype ?? 'float32', lo, hi), { shape });

/** Normal with the given mean and standard deviation. */
export const normal = (k: Key, shape: Shape, mean = 0, std = 1, o: SampleOptions = {}): Tensor =>
  tensor(normalValues(k, sizeOf(shape), o.dtype ?? 'float32', mean, std), { shape });

/** Standard normal truncated to the open interval `(lower, upper)` (default ±2, as JAX). */
export const truncatedNormal = (k: Key, shape: Shape, lower = -2, upper = 2, o: SampleOptions = {}): Tensor =>
  tensor(truncatedNormalValues(k, sizeOf(shape), o.dtype ?? 'float32', lower, upper), { shape });

/** 1 with probability `p`, else 0 (in `dtype`, default float32, so it can scale activations). */
export const bernoulli = (k: Key, shape: Shape, p: number, o: SampleOptions = {}): Tensor =>
  tensor(bernoulliValues(k, sizeOf(shape), p), { shape, dtype: o.dtype ?? 'float32' });

/** Integers in `[lo, hi)` (int32). */
export const randint = (k: Key, shape: Shape, lo: number, hi: number): Tensor =>
  tensor(randintValues(k, sizeOf(shape), lo, hi), { shape });

/** A uniform random permutation of `0 … n-1` (int32). */
export const permutation = (k: Key, n: number): Tensor => tensor(permutationValues(k, n));
