/**
 * @file Every tolerance tapenet's tests use, in one place: defaults first, then overrides, each with the
 * reason it differs. A check passes when `|a - b| ≤ atol + rtol·|b|`.
 */

/** A tolerance: finite-difference step `h` (where used), relative and absolute bounds. */
export type Tol = { readonly h: number; readonly rtol: number; readonly atol: number };

export const TOL = {
  /** f64 directional gradient check on the reference backend: the FD error h² + ε/h stays far below 1e-7. */
  f64: { h: 1e-5, rtol: 1e-6, atol: 1e-7 },
  /**
   * f64 second-order checks take finite differences of a gradient: the truncation term involves one more
   * derivative (e.g. 24/x⁵ for 1/x at x = 0.3 is ~1e4), so the bound is 10x looser than first order.
   */
  f64Order2: { h: 1e-5, rtol: 1e-5, atol: 1e-6 },
  /** float32 backend vs reference (forward and VJP): tinygrad grad_rtol/atol, tfjs 1e-3. */
  f32: { h: 0, rtol: 1e-3, atol: 1e-4 },
  /** Large reductions (conv/matmul with K ≥ 256) in float32 accumulate more rounding on GPU. */
  f32LargeReduction: { h: 0, rtol: 1e-2, atol: 1e-3 },
  /** f32 finite differences, only where no f64 path exists (jax-js linalg FD tests). */
  f32Fd: { h: 1e-3, rtol: 1e-2, atol: 1e-3 },
} as const satisfies Record<string, Tol>;

/** Whether `a` is within `tol` of the reference `b`. */
export const close = (a: number, b: number, tol: Pick<Tol, 'rtol' | 'atol'>): boolean =>
  Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b) || (Number.isNaN(a) && Number.isNaN(b));
