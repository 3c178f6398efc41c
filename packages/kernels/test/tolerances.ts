/**
 * @file Every tolerance the kernels conformance suite uses, in one place: the default first, then the
 * overrides, each with the reason it differs. A value passes when `|got - want| ≤ atol + rtol·|want|`
 * (NaN matches NaN, ±∞ match themselves). The reference accumulates in float64 and rounds once; a float32
 * backend rounds at every step, which is what the default allows for.
 */

export type Tol = { readonly rtol: number; readonly atol: number };

export const TOL = {
  /** float32 backend vs reference: tinygrad's grad_rtol/grad_atol, tfjs's TEST_EPSILON_FLOAT32. */
  f32: { rtol: 1e-3, atol: 1e-4 },
  /**
   * Data movement, comparisons, indices and int32 results: values are copied or exact integers, so any
   * difference is a bug (a float32 holds every integer up to 2^24 exactly).
   */
  exact: { rtol: 0, atol: 0 },
  /**
   * Reductions of several hundred float32 products (conv with Cin·K·K ≥ 256, matmul with K ≥ 256): the
   * rounding error of a float32 running sum grows with the length of the sum, and a sum that cancels to
   * near 0 leaves that error against a tiny reference value.
   */
  f32LargeReduction: { rtol: 1e-2, atol: 1e-3 },
} as const satisfies Record<string, Tol>;

export type TolName = keyof typeof TOL;

/** Whether `got` is within `tol` of the reference value `want`. */
export function close(got: number, want: number, tol: Tol): boolean {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got);
  if (got === want) return true;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}
