/** @file "Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) and their labels. */

/** Ticks covering `[lo, hi]`: the rounded-out domain, the step and the tick values. */
export type Ticks = {
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
  readonly values: readonly number[];
};

/** About `target` nice ticks that cover `[lo, hi]`; a zero-width range is widened around its value. */
export function niceTicks(lo: number, hi: number, target = 5, minStep = 0): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceTicks(0, 1, target, minStep);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = Math.max(minStep, (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values = Array.from({ length: last - first + 1 }, (_, i) => (first + i) * step);
  return { lo: first * step, hi: last * step, step, values };
}

/** A tick label with just enough decimals for `step` (at most 6), without `-0`. */
export function formatTick(v: number, step: number): string {
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}
