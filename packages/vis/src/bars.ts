/**
 * @file A bar chart with error bars, drawn with the built-in font: one bar per named value from a zero
 * baseline (values may be negative), an optional ± error drawn as a capped whisker, and the value
 * printed above or below each bar. For gains with confidence intervals, e.g. of an ablation over seeds.
 */
import { encodePng } from '@tapenet/autodiff/node';
import { textWidth } from './font.js';
import { BLACK, Canvas, GREY, LIGHT_GREY, LINE_H, PALETTE, type Raster, WHITE } from './raster.js';
import { formatTick, niceTicks } from './ticks.js';

/** One bar: its name (under the bar), its value and an optional half-width of an interval around it. */
export type Bar = { readonly name: string; readonly value: number; readonly error?: number };

/** A bar chart: title, the y axis label and the bars, left to right. */
export type BarChart = {
  readonly title: string;
  readonly yLabel: string;
  readonly bars: readonly Bar[];
  /** Digits after the point of the printed values (default 2). */
  readonly digits?: number;
};

/** Throws a RangeError naming the bad bar unless every value is finite and every error finite and ≥ 0. */
function checkBars(bars: readonly Bar[]): void {
  if (bars.length === 0) throw new RangeError('renderBars: bars is empty; expected at least one bar');
  for (const b of bars) {
    if (!Number.isFinite(b.value)) throw new RangeError(`renderBars: bar '${b.name}' has value ${b.value}`);
    if (b.error !== undefined && !(Number.isFinite(b.error) && b.error >= 0)) {
      throw new RangeError(`renderBars: bar '${b.name}' has error ${b.error}; expected a finite number ≥ 0`);
    }
  }
}

/**
 * The bar chart as a raster (at least 640 x 400, wider when the names need it). The y axis always
 * includes 0, where the bars start; a whisker spans `value ± error`.
 */
export function barsRaster(chart: BarChart): Raster {
  checkBars(chart.bars);
  const digits = chart.digits ?? 2;
  const lows = chart.bars.map((b) => Math.min(0, b.value - (b.error ?? 0)));
  const highs = chart.bars.map((b) => Math.max(0, b.value + (b.error ?? 0)));
  const yt = niceTicks(Math.min(...lows), Math.max(...highs));
  const yLabels = yt.values.map((v) => formatTick(v, yt.step));
  const slot = Math.max(48, ...chart.bars.map((b) => textWidth(b.name) + 12));
  const left = 14 + Math.max(...yLabels.map((l) => textWidth(l))) + 8;
  const top = 2 * LINE_H + 16;
  const bottom = 2 * LINE_H + 16;
  const width = Math.max(640, left + chart.bars.length * slot + 16);
  const height = 400;
  const pw = width - left - 16;
  const ph = height - top - bottom;
  const c = new Canvas(width, height, WHITE);
  const yOf = (y: number) => Math.round(top + ph - 1 - ((y - yt.lo) / (yt.hi - yt.lo)) * (ph - 1));
  c.textCentered(width / 2, 6, chart.title, BLACK, 2);
  yt.values.forEach((v, i) => {
    const y = yOf(v);
    c.fillRect(left, y, pw, 1, LIGHT_GREY);
    c.fillRect(left - 4, y, 4, 1, BLACK);
    c.text(left - 6 - textWidth(yLabels[i]!), y - 3, yLabels[i]!);
  });
  c.strokeRect(left, top, pw, ph, BLACK);
  c.textVertical(3, top + ph / 2, chart.yLabel);
  const step = pw / chart.bars.length;
  const zero = yOf(0);
  chart.bars.forEach((b, k) => {
    const centre = left + step * (k + 0.5);
    const barW = Math.max(6, Math.round(step * 0.6));
    const y = yOf(b.value);
    const x0 = Math.round(centre - barW / 2);
    c.fillRect(x0, Math.min(y, zero), barW, Math.max(1, Math.abs(zero - y)), PALETTE[k % PALETTE.length]!);
    if (b.error !== undefined && b.error > 0) {
      const [hi, lo] = [yOf(b.value + b.error), yOf(b.value - b.error)];
      const cx = Math.round(centre);
      c.fillRect(cx, hi, 1, lo - hi + 1, BLACK);
      c.fillRect(cx - 4, hi, 9, 1, BLACK);
      c.fillRect(cx - 4, lo, 9, 1, BLACK);
    }
    const label = b.value.toFixed(digits);
    const above = b.value >= 0;
    const end = above ? yOf(b.value + (b.error ?? 0)) : yOf(b.value - (b.error ?? 0));
    c.textCentered(
      centre,
      above ? Math.max(top + 2, end - LINE_H - 3) : Math.min(top + ph - LINE_H - 2, end + 4),
      label,
    );
    c.textCentered(centre, top + ph + 6, b.name);
  });
  c.fillRect(left, zero, pw, 1, GREY);
  return c.toRaster();
}

/**
 * PNG bytes of {@link barsRaster}.
 * @example renderBars({ title: 'Gain', yLabel: 'accuracy gain (points)', bars: [{ name: 'shift', value: 1.2, error: 0.4 }] })
 */
export const renderBars = (chart: BarChart): Uint8Array => encodePng(barsRaster(chart));
