/**
 * @file Do the implementations compute the same thing? Each output group of a first run is reduced to
 * Σv, Σ|v| and Σv², which do not depend on memory layout (NCHW, NHWC, per-sample volumes), so they can
 * be compared across libraries. Model rows compare the first loss (same init, same batch everywhere).
 */
import type { Fingerprint, Output, Unit } from './types.js';

function fingerprint(group: ArrayLike<number> | readonly ArrayLike<number>[]): Fingerprint {
  // A plain number[] is one array of values; an array of arrays is one array per sample.
  const nested = Array.isArray(group) && group.length > 0 && typeof group[0] !== 'number';
  const parts = nested ? (group as readonly ArrayLike<number>[]) : [group as ArrayLike<number>];
  let sum = 0;
  let abs = 0;
  let sq = 0;
  for (const a of parts) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      sum += v;
      abs += Math.abs(v);
      sq += v * v;
    }
  }
  return { sum, abs, sq };
}

/** Fingerprints of a run's output: every group for kernels, the loss (first group) for model steps. */
export function fingerprints(unit: Unit, out: Output): Fingerprint[] {
  const groups = unit === 'img/s' ? out.slice(0, 1) : out;
  return groups.map(fingerprint);
}

/**
 * Whether two runs agree: per group, sums within `tol`·Σ|v| and sums of squares within `tol` relative.
 * float32 round-off stays orders of magnitude below 1e-3; a layout or indexing bug does not.
 */
export function agree(a: readonly Fingerprint[], b: readonly Fingerprint[], tol = 1e-3): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    const sumOk = Math.abs(x.sum - y.sum) <= tol * Math.max(x.abs, y.abs) + 1e-12;
    const sqOk = Math.abs(x.sq - y.sq) <= tol * Math.max(x.sq, y.sq) + 1e-12;
    return sumOk && sqOk;
  });
}

/** Short text of a fingerprint list for notes: `Σ=… Σ²=…` per group. */
export const describe = (f: readonly Fingerprint[]): string =>
  f.map((x) => `Σ=${x.sum.toPrecision(5)} Σ²=${x.sq.toPrecision(5)}`).join(' | ');
