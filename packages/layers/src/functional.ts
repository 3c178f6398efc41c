/**
 * @file Tensor functions the activation layers and losses are built from, exported as `F` (like
 * torch.nn.functional): `F.gelu(x)`. Each is a composite of autodiff ops, so gradients (of any order)
 * come from the tape. Each follows PyTorch's formula and its rule at kinks (which branch owns the point),
 * so values and gradients agree with PyTorch's to float64 rounding (checked in test/torch/).
 */
import {
  add,
  checkNumber,
  checkOptions,
  div,
  erfc,
  exp,
  expm1,
  greater,
  greaterEqual,
  lessEqual,
  log1p,
  mul,
  neg,
  sigmoid,
  type Tensor,
  tanh,
  where,
} from '@tapenet/autodiff';

export { erf, erfc } from '@tapenet/autodiff';
export { embedding } from './lookup.js';
export { groupNorm, instanceNorm, layerNorm, type NormOptions } from './normalize.js';

/**
 * `log(1 + eˣ)` as `max(x, 0) + log(1 + e^{−|x|})`, without PyTorch's linear cut-off: exact everywhere,
 * nothing overflows, and the slope is σ(x) everywhere, 0 included (the losses use it).
 */
export function softplusExact(x: Tensor): Tensor {
  const pos = greater(x, 0);
  const negAbs = where(pos, neg(x), x); // −|x|, with slope +1 at 0
  return add(where(pos, x, 0), log1p(exp(negAbs)));
}

export type SoftplusOptions = {
  /** `log(1 + e^{βx})/β` (default 1). */
  readonly beta?: number;
  /** Where `βx > threshold` the result is x itself (default 20, as PyTorch: there the two differ by < 2e-9·x). */
  readonly threshold?: number;
};

/**
 * `log(1 + e^{βx})/β`, and `x` where `βx > threshold` (torch.nn.functional.softplus, defaults β = 1,
 * threshold 20); computed without overflow, slope σ(βx) (1 past the threshold).
 */
export function softplus(x: Tensor, opts?: SoftplusOptions): Tensor {
  const o = checkOptions('softplus', 'opts', opts);
  const beta = checkNumber('softplus', 'beta', o.beta ?? 1);
  const threshold = checkNumber('softplus', 'threshold', o.threshold ?? 20);
  const bx = beta === 1 ? x : mul(x, beta);
  const soft = beta === 1 ? softplusExact(bx) : div(softplusExact(bx), beta);
  return where(greater(bx, threshold), x, soft);
}

/** `log σ(x) = −softplus(−x)` (no threshold: exact everywhere). */
export const logSigmoid = (x: Tensor): Tensor => neg(softplusExact(neg(x)));

/** `x` for x > 0, `slope·x` otherwise; the slope at 0 is `slope` (PyTorch's). */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => where(greater(x, 0), x, mul(x, slope));

/** `α·(eˣ − 1)` on x ≤ 0 (the exponential sees only those x, so it cannot overflow). */
const eluNeg = (x: Tensor, pos: Tensor, alpha: number): Tensor => mul(expm1(where(pos, 0, x)), alpha);

/** `x` for x > 0, `α·(eˣ − 1)` otherwise; the slope at 0 is α (PyTorch's: 0 belongs to the exponential side). */
export const elu = (x: Tensor, alpha = 1): Tensor => {
  const pos = greater(x, 0);
  return where(pos, x, eluNeg(x, pos, alpha));
};

/** SELU's α and λ (Klambauer et al. 2017, as torch.nn.SELU). */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** `λ·x` for x > 0, `λα·(eˣ − 1)` otherwise (slope λα at 0, as PyTorch). */
export const selu = (x: Tensor): Tensor => mul(elu(x, SELU_ALPHA), SELU_SCALE);

/** SiLU / swish: `x·σ(x)`. */
export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));

/** Mish: `x·tanh(softplus(x))` (Misra 2019), softplus without a threshold as PyTorch's mish. */
export const mish = (x: Tensor): Tensor => mul(x, tanh(softplusExact(x)));

/**
 * `x` clamped to `[min, max]` (default [−1, 1]); the slope is 0 at and beyond each bound (PyTorch's rule:
 * the bounds belong to the flat parts).
 */
export function hardtanh(x: Tensor, min = -1, max = 1): Tensor {
  checkNumber('hardtanh', 'min', min);
  checkNumber('hardtanh', 'max', max);
  if (!(min < max)) throw new RangeError(`hardtanh: min ${min} must be below max ${max}`);
  return where(lessEqual(x, min), min, where(greaterEqual(x, max), max, x));
}

/** `1.7159·tanh(2x/3)`, LeCun's scaled tanh (LeNet-5, 1998). */
export const scaledTanh = (x: Tensor): Tensor => mul(tanh(mul(x, 2 / 3)), 1.7159);

/**
 * GELU, exact form: `x·Φ(x)`, evaluated as `½x·erfc(−x/√2)`, so the negative tail keeps its digits
 * (gelu(−10) ≈ −7.6e-23) where `½x·(1 + erf(x/√2))` would cancel; erfc is exact to a few ulps.
 */
export const gelu = (x: Tensor): Tensor => mul(mul(x, 0.5), erfc(mul(x, -Math.SQRT1_2)));

/** GELU, tanh approximation: `½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))` (PyTorch's `approximate='tanh'`). */
export const geluTanh = (x: Tensor): Tensor =>
  mul(mul(x, 0.5), add(tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))), 1));
