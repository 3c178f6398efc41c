/**
 * @file Tensor functions the activation layers and losses are built from, exported as `F` (like
 * torch.nn.functional): `F.gelu(x)`. Each is a composite of autodiff ops, so gradients (of any order)
 * come from the tape.
 */
import {
  add,
  div,
  exp,
  expm1,
  greater,
  greaterEqual,
  log1p,
  minimum,
  mul,
  neg,
  sub,
  type Tensor,
  tanh,
  where,
} from '@tapenet/autodiff';

/** `max(x, 0) + log(1 + e^{−|x|})`, written with `where` so the derivative is σ(x) everywhere, 0 included, and nothing overflows. */
export function softplus(x: Tensor): Tensor {
  const pos = greater(x, 0);
  const negAbs = where(pos, neg(x), x); // −|x|, with slope +1 at 0
  return add(where(pos, x, 0), log1p(exp(negAbs)));
}

/** `log σ(x) = −softplus(−x)`. */
export const logSigmoid = (x: Tensor): Tensor => neg(softplus(neg(x)));

/** `x` for x > 0, `slope·x` otherwise. */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => where(greater(x, 0), x, mul(x, slope));

/** `x` for x > 0, `α·(eˣ − 1)` otherwise (the exponential only sees min(x, 0), so it cannot overflow). */
export const elu = (x: Tensor, alpha = 1): Tensor => where(greater(x, 0), x, mul(expm1(minimum(x, 0)), alpha));

/** `1.7159·tanh(2x/3)`, LeCun's scaled tanh (LeNet-5, 1998). */
export const scaledTanh = (x: Tensor): Tensor => mul(tanh(mul(x, 2 / 3)), 1.7159);

// erfc(z) for z ≥ 0 as t·exp(−z² + P(t)), t = 1/(1 + z/2): a Chebyshev fit with relative error < 1.2e-7
// (Numerical Recipes' erfcc). Coefficients of P, constant term first.
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

function erfcNonNeg(z: Tensor): Tensor {
  const t = div(1, add(mul(z, 0.5), 1));
  let poly: Tensor = mul(t, ERFC[ERFC.length - 1]!);
  for (let i = ERFC.length - 2; i >= 1; i--) poly = mul(t, add(poly, ERFC[i]!));
  return mul(t, exp(sub(add(poly, ERFC[0]!), mul(z, z))));
}

/**
 * The error function `erf(x) = 2/√π ∫₀ˣ e^{−t²} dt`, to a relative 1.2e-7 (a fixed rational-exponential
 * fit, differentiable through the tape): `erfc(|x|)` on each side, joined so the slope at 0 is exact.
 */
export function erf(x: Tensor): Tensor {
  const nonNeg = greaterEqual(x, 0);
  const zp = where(nonNeg, x, 0);
  const zn = where(nonNeg, 0, neg(x));
  return sub(erfcNonNeg(zn), erfcNonNeg(zp));
}

/** GELU, exact form: `x·Φ(x) = ½x·(1 + erf(x/√2))` (erf as in {@link erf}, relative error < 1.2e-7). */
export const gelu = (x: Tensor): Tensor => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));

/** GELU, tanh approximation: `½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))`. */
export const geluTanh = (x: Tensor): Tensor =>
  mul(mul(x, 0.5), add(tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))), 1));
