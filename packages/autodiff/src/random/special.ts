/**
 * @file The standard normal CDF Φ, its logarithm and its inverse Φ⁻¹ in float64, accurate to a few ulps in
 * both tails, for the normal and truncated-normal samplers.
 *
 * Built on the complementary error function, `Φ(x) = erfc(−x/√2) / 2`, evaluated as
 * - `erf(z) = (2/√π) e^{−z²} Σₙ 2ⁿ z^{2n+1} / (1·3·…·(2n+1))` (all terms positive, no cancellation)
 *   for |z| < 1.5, with `erfc = 1 − erf`;
 * - `erfc(z) = e^{−z²} · erfcx(z)` for z ≥ 1.5, where the scaled `erfcx(z) = e^{z²} erfc(z)` comes from
 *   Laplace's continued fraction `erfcx(z) = (1/√π) · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …)))))`
 *   (Abramowitz & Stegun 7.1.14), and `e^{−x²/2}` is taken with the square split in two so the large
 *   exponent is exact.
 * Φ⁻¹ starts from Acklam's rational approximation (relative error < 1.15e-9) and takes one Halley step,
 * `x ← x − u / (1 + x·u/2)` with `u = (Φ(x) − p) / φ(x)`. Far tails (p < 1e-300) are inverted in log
 * space by Newton's method on `log Φ(x) = log p`.
 */

const SQRT1_2 = Math.SQRT1_2;
/** 1/√π and √(2/π), 1/√(2π). */
const INV_SQRT_PI = 0.5641895835477563;
const SQRT_2_OVER_PI = 0.7978845608028654;
const INV_SQRT_2PI = 0.3989422804014327;
const LOG_2PI = 1.8378770664093453;
/** |z| at which erfc switches from the series to the continued fraction, and the matching x = −z√2. */
const Z_SPLIT = 1.5;
const X_SPLIT = Z_SPLIT * Math.SQRT2;

/** `erf(z)` for |z| < 1.5 from the positive-term series (relative error a few ulps). */
function erfSeries(z: number): number {
  const twoZ2 = 2 * z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 100 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= twoZ2 / (2 * n + 1);
    sum += term;
  }
  return 2 * INV_SQRT_PI * Math.exp(-z * z) * sum;
}

/** `erfcx(z) = e^{z²} erfc(z)` for z ≥ 1.5 by the continued fraction, evaluated bottom-up. */
function erfcxFraction(z: number): number {
  // Terms needed for full double precision fall from ~86 at z = 1.5 to ~13 at z = 6.
  const terms = Math.ceil(26 + 160 / (z * z));
  let f = z;
  for (let k = terms; k >= 1; k--) f = z + k / 2 / f;
  return INV_SQRT_PI / f;
}

/**
 * `e^{−c·x²}` for c = 1 or 1/2 with `x = h + l`, h having 24 significant bits so `c·h²` is exact:
 * `e^{−c·h²} · e^{−c·l·(x + h)}`. Keeps full relative accuracy where x² is large.
 */
function expNegSquare(x: number, c: 1 | 0.5): number {
  if (!(Math.abs(x) < 1e10)) return 0; // underflows anyway; also keeps fround(x) finite
  const h = Math.fround(x);
  return Math.exp(-c * h * h) * Math.exp(-c * (x - h) * (x + h));
}

/**
 * The complementary error function `erfc(z) = (2/√π) ∫_z^∞ e^{−t²} dt`, relative error ≲ 1e-14 for all z
 * (0 beyond z ≈ 26.5 where it underflows; 2 below z ≈ −6).
 */
export function erfc(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Number.POSITIVE_INFINITY) return 0;
  if (z >= Z_SPLIT) return expNegSquare(z, 1) * erfcxFraction(z);
  if (z <= -Z_SPLIT) return 2 - erfc(-z);
  return 1 - erfSeries(z);
}

/** The standard normal density `φ(x) = e^{−x²/2} / √(2π)`. */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * expNegSquare(x, 0.5);
}

/**
 * The standard normal CDF `Φ(x) = erfc(−x/√2) / 2`, accurate in relative terms deep into the lower tail
 * (down to the underflow near x = −38.5) and in absolute terms near 1.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  if (x < -X_SPLIT) return 0.5 * expNegSquare(x, 0.5) * erfcxFraction(-x * SQRT1_2);
  if (x > X_SPLIT) return 1 - normalCdf(-x);
  return 0.5 * (1 + erfSeries(x * SQRT1_2));
}

/** `log Φ(x)`, finite for every finite x: `log(erfcx(−x/√2)/2) − x²/2` in the lower tail. */
export function logNormalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (x < -X_SPLIT) return Math.log(0.5 * erfcxFraction(-x * SQRT1_2)) - 0.5 * x * x;
  if (x > 0) return Math.log1p(-normalCdf(-x));
  return Math.log(normalCdf(x));
}

/** Acklam's rational approximation to Φ⁻¹(q) for 0 < q ≤ 1/2 (relative error < 1.15e-9). */
function acklamLower(q: number): number {
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((-7.784894002430293e-3 * r - 3.223964580411365e-1) * r - 2.400758277161838) * r - 2.549732539343734) * r +
        4.374664141464968) *
        r +
        2.938163982698783) /
      ((((7.784695709041462e-3 * r + 3.224671290700398e-1) * r + 2.445134137142996) * r + 3.754408661907416) * r + 1)
    );
  }
  const s = q - 0.5;
  const t = s * s;
  return (
    ((((((-3.969683028665376e1 * t + 2.209460984245205e2) * t - 2.759285104469687e2) * t + 1.38357751867269e2) * t -
      3.066479806614716e1) *
      t +
      2.506628277459239) *
      s) /
    (((((-5.447609879822406e1 * t + 1.615858368580409e2) * t - 1.556989798598866e2) * t + 6.680131188771972e1) * t -
      1.328068155288572e1) *
      t +
      1)
  );
}

/** Φ⁻¹(q) for 0 < q ≤ 1/2: Acklam's guess plus one Halley step. */
function quantileLower(q: number): number {
  if (q < 1e-300) return quantileFromLogTail(Math.log(q));
  const x = acklamLower(q);
  const u = (normalCdf(x) - q) / normalPdf(x);
  return x - u / (1 + 0.5 * x * u);
}

/** Φ⁻¹(e^L) for L < log(1e-300) by Newton's method on `log Φ(x) = L`, whose slope is `φ(x)/Φ(x)`. */
function quantileFromLogTail(L: number): number {
  // Asymptotically Φ(x) ≈ φ(x)/|x|, so x² ≈ −2L − log(−2L) − log(2π).
  let x = -Math.sqrt(-2 * L - Math.log(-2 * L) - LOG_2PI);
  for (let i = 0; i < 50; i++) {
    // In this tail x < −X_SPLIT and φ(x)/Φ(x) = √(2/π) / erfcx(−x/√2).
    const step = ((logNormalCdf(x) - L) * erfcxFraction(-x * SQRT1_2)) / SQRT_2_OVER_PI;
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

/**
 * The standard normal quantile `Φ⁻¹(p)`: the x with `Φ(x) = p`. `Φ⁻¹(0) = −∞`, `Φ⁻¹(1) = +∞`, NaN outside
 * [0, 1]. Symmetric: for p > 1/2 it returns `−Φ⁻¹(1 − p)` (1 − p is exact there).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  return p > 0.5 ? -quantileLower(1 - p) : quantileLower(p);
}

/**
 * `Φ⁻¹(e^L)` for a log-probability L ≤ 0, usable where e^L underflows (L down to about −1e300):
 * `Φ⁻¹(e^{−1000}) ≈ −44.7`. `L = −∞` gives −∞ and `L = 0` gives +∞.
 */
export function normalQuantileFromLog(L: number): number {
  if (!(L <= 0)) return Number.NaN;
  if (L === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (L === 0) return Number.POSITIVE_INFINITY;
  if (L < -690) return quantileFromLogTail(L);
  if (L > -Math.LN2) return -quantileLower(-Math.expm1(L));
  return quantileLower(Math.exp(L));
}
