/**
 * @file Vector transcendentals on f32x4: exp, tanh, sigmoid.
 *
 * exp is the Cephes `expf` scheme: `x = n·ln2 + r` with |r| ≤ ln2/2, a degree-6 polynomial for `e^r`, then
 * scaling by 2ⁿ through the exponent bits (in two halves, so results down to the smallest subnormal and up
 * to FLT_MAX come out right). Relative error stays within about 2 ulp; NaN propagates, e^-∞ = 0, e^∞ = ∞.
 */

const LOG2E: f32 = <f32>Math.LOG2E;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
/** Above ln(FLT_MAX) the result is +∞; below ln(smallest subnormal) it is 0. */
const EXP_HI: f32 = 88.72283935546875;
const EXP_LO: f32 = -103.97208404541016;

/** 2^n for integer lanes n in [-126, 127], built from the exponent bits. */
function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/** `e^x` lane by lane. */
export function vexp(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const fx = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n in two factors: n1 = n >> 1, n2 = n - n1, each within the normal exponent range.
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  let y = f32x4.mul(f32x4.mul(p, pow2i(n1)), pow2i(n2));
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, f32x4.splat(EXP_HI)));
  y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, f32x4.splat(EXP_LO)));
  return y;
}

/** `1 / (1 + e^-x)`: e^-x overflows to ∞ for very negative x, which correctly gives 0. */
export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/**
 * tanh: an odd polynomial (Cephes `tanhf`) for |x| < 0.625, else `sign(x)·(1 - 2/(e^{2|x|} + 1))`, which
 * saturates to ±1 without overflow trouble.
 */
export function vtanh(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = vexp(f32x4.add(a, a));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  // Copy x's sign onto the large-|x| branch.
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
}
