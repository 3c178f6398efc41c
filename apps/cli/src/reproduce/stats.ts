/** @file Summary statistics over seeds: the mean and a two-sided 95% confidence interval from Student's t. */

/** Two-sided 97.5% quantiles of Student's t for 1 to 30 degrees of freedom; beyond, the normal's 1.96. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** `t₀.₉₇₅` with `df` degrees of freedom. */
export const tQuantile = (df: number): number => T975[df - 1] ?? 1.96;

/** Mean and half-width of the 95% confidence interval of the mean: `t₀.₉₇₅(n−1)·s/√n` (0 for one value). */
export function meanCi(values: readonly number[]): { readonly mean: number; readonly ci: number } {
  const n = values.length;
  if (n === 0) throw new RangeError('meanCi: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, ci: (tQuantile(n - 1) * Math.sqrt(variance)) / Math.sqrt(n) };
}

/** `mean ± ci` with `digits` decimals. */
export const pm = ({ mean, ci }: { mean: number; ci: number }, digits = 2): string =>
  `${mean.toFixed(digits)} ± ${ci.toFixed(digits)}`;

/** `0.99123` → `99.12` (percent, no sign). */
export const pct = (x: number, digits = 2): string => (100 * x).toFixed(digits);
