/**
 * @file Every tolerance tapenet's tests use, in one table: defaults first, then the overrides, each with
 * the reason it differs. The kernels conformance suite and `@tapenet/autodiff/testing`'s gradient checks
 * both read it (autodiff re-exports it), so a backend comparison and a gradient check can never disagree
 * on what "close" means.
 */

/** A tolerance: finite-difference step `h` (0 where no finite difference is taken), relative and absolute bounds. */
export type Tol = { readonly h: number; readonly rtol: number; readonly atol: number };

export const TOL = {
  /**
   * float32 backend vs the float64-accumulating reference, forward and VJP: the reference rounds once, a
   * float32 backend at every step (tinygrad's grad_rtol/grad_atol, tfjs's TEST_EPSILON_FLOAT32).
   */
  f32: { h: 0, rtol: 1e-3, atol: 1e-4 },
  /**
   * Data movement, comparisons, indices and int32 results: values are copied or exact integers, so any
   * difference is a bug (a float32 holds every integer up to 2^24 exactly).
   */
  exact: { h: 0, rtol: 0, atol: 0 },
  /**
   * Reductions of several hundred float32 products (conv with Cin·K·K ≥ 256, matmul with K ≥ 256): the
   * rounding error of a float32 running sum grows with the length of the sum (more so in a GPU's order),
   * and a sum that cancels to near 0 leaves that error against a tiny reference value.
   */
  f32LargeReduction: { h: 0, rtol: 1e-2, atol: 1e-3 },
  /** f64 directional gradient check on the reference backend: the FD error h² + ε/h stays far below 1e-7. */
  f64: { h: 1e-5, rtol: 1e-6, atol: 1e-7 },
  /**
   * f64 second-order checks take finite differences of a gradient: the truncation term involves one more
   * derivative (e.g. 24/x⁵ for 1/x at x = 0.3 is ~1e4), so the bound is 10x looser than first order.
   */
  f64Order2: { h: 1e-5, rtol: 1e-5, atol: 1e-6 },
  /** float32 finite differences, only where no float64 path exists: ε/h alone is ~1e-4 at h = 1e-3. */
  f32Fd: { h: 1e-3, rtol: 1e-2, atol: 1e-3 },
} as const satisfies Record<string, Tol>;

/** The names of the table's entries. */
export type TolName = keyof typeof TOL;

/**
 * Whether `got` is within `tol` of the reference value `want`: `|got − want| ≤ atol + rtol·|want|`. NaN
 * matches only NaN, and equal values always match, so +∞ matches +∞ (their difference is NaN, which no
 * bound admits) but never −∞ or a finite number, either way round: an op that overflows must overflow the
 * same way.
 * @example close(1.0005, 1, TOL.f32) // true
 */
export function close(got: number, want: number, tol: Pick<Tol, 'rtol' | 'atol'>): boolean {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got);
  if (got === want) return true;
  // rtol·|∞| would admit any value against an infinite reference.
  if (!Number.isFinite(got) || !Number.isFinite(want)) return false;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}
