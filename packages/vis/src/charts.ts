/**
 * @file Charts drawn with the built-in font: line curves (loss / accuracy, train vs validation) with
 * axes, ticks and a legend, and a confusion-matrix heat map with the counts in the cells.
 */
import { textWidth } from './font.js';
import { encodePng } from '@tapenet/autodiff/node';
import { BLACK, Canvas, GREY, LIGHT_GREY, LINE_H, PALETTE, type Raster, type Rgb, WHITE } from './raster.js';
import { formatTick, niceTicks } from './ticks.js';

/** One named line of a chart; point i is drawn at x = i + 1 (epochs count from 1) or at `Chart.x[i]`. Non-finite values leave gaps. */
export type Series = { readonly name: string; readonly values: readonly number[] };

/** A line chart: title, axis labels and the series. */
export type Chart = {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /**
   * The x position of point i of every series, finite and increasing (default `i + 1`, epochs counting
   * from 1), e.g. `[0, 1, 2, ..., 8]` for accuracy against a shift in pixels.
   */
  readonly x?: readonly number[];
};

const W = 640;
const H = 400;

/** The chart as a raster (640 x 400). */
export function curvesRaster(chart: Chart, size: { readonly width?: number; readonly height?: number } = {}): Raster {
  const width = size.width ?? W;
  const height = size.height ?? H;
  const finite = chart.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const n = Math.max(2, ...chart.series.map((s) => s.values.length));
  const xs = chart.x ?? Array.from({ length: n }, (_, i) => i + 1);
  checkX(chart, xs);
  const yt = niceTicks(Math.min(...finite), Math.max(...finite));
  const xt = chart.x === undefined ? niceTicks(1, n, 6, 1) : niceTicks(xs[0]!, xs.at(-1)!, 6);
  const yLabels = yt.values.map((v) => formatTick(v, yt.step));
  const left = 14 + Math.max(...yLabels.map((l) => textWidth(l))) + 8;
  const top = 2 * LINE_H + 16;
  const right = 16;
  const bottom = 2 * LINE_H + 24;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const c = new Canvas(width, height, WHITE);
  const xOf = (x: number) => left + ((x - xt.lo) / (xt.hi - xt.lo)) * (pw - 1);
  const yOf = (y: number) => top + ph - 1 - ((y - yt.lo) / (yt.hi - yt.lo)) * (ph - 1);
  c.textCentered(width / 2, 6, chart.title, BLACK, 2);
  yt.values.forEach((v, i) => {
    const y = Math.round(yOf(v));
    c.fillRect(left, y, pw, 1, LIGHT_GREY);
    c.fillRect(left - 4, y, 4, 1, BLACK);
    const label = yLabels[i]!;
    c.text(left - 6 - textWidth(label), y - 3, label);
  });
  xt.values.forEach((v) => {
    const x = Math.round(xOf(v));
    c.fillRect(x, top, 1, ph, LIGHT_GREY);
    c.fillRect(x, top + ph, 1, 4, BLACK);
    c.textCentered(x, top + ph + 7, formatTick(v, xt.step));
  });
  c.strokeRect(left, top, pw, ph, BLACK);
  c.textCentered(left + pw / 2, height - LINE_H - 6, chart.xLabel);
  c.textVertical(3, top + ph / 2, chart.yLabel);
  chart.series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const prev = s.values[i - 1];
      if (prev !== undefined && Number.isFinite(prev))
        c.line(xOf(xs[i - 1]!), yOf(prev), xOf(xs[i]!), yOf(v), colour, 2);
      const isolated = !Number.isFinite(prev ?? Number.NaN) && !Number.isFinite(s.values[i + 1] ?? Number.NaN);
      if (isolated) c.fillRect(xOf(xs[i]!) - 2, yOf(v) - 2, 5, 5, colour);
    });
  });
  const points = chart.series.flatMap((s) =>
    s.values.flatMap((v, i) => {
      const prev = s.values[i - 1];
      if (!Number.isFinite(v)) return [];
      if (prev === undefined || !Number.isFinite(prev)) return [[xOf(xs[i]!), yOf(v)] as const];
      const [x0, x1] = [xs[i - 1]!, xs[i]!];
      return Array.from(
        { length: 16 },
        (_, k) => [xOf(x0 + ((x1 - x0) * (k + 1)) / 16), yOf(prev + ((v - prev) * (k + 1)) / 16)] as const,
      );
    }),
  );
  drawLegend(c, chart.series, points, [left + 8, top + 8, left + pw - 8, top + ph - 8]);
  return c.toRaster();
}

/** Checks that `xs` (the chart's `x`, or the default) is finite, increasing and covers every series. */
function checkX(chart: Chart, xs: readonly number[]): void {
  if (chart.x === undefined) return;
  if (!xs.every((v, i) => Number.isFinite(v) && (i === 0 || v > xs[i - 1]!))) {
    throw new RangeError(`renderCurves: x must hold finite increasing numbers, got [${xs.join(', ')}]`);
  }
  const long = chart.series.find((s) => s.values.length > xs.length);
  if (long !== undefined) {
    throw new RangeError(`renderCurves: series '${long.name}' has ${long.values.length} points but x has ${xs.length}`);
  }
}

/** Draws the legend in the corner of the plot area `[x0, y0, x1, y1]` that hides the fewest line points. */
function drawLegend(
  c: Canvas,
  series: readonly Series[],
  points: readonly (readonly [number, number])[],
  [x0, y0, x1, y1]: readonly [number, number, number, number],
): void {
  if (series.length === 0) return;
  const w = 20 + 6 + Math.max(...series.map((s) => textWidth(s.name))) + 12;
  const h = series.length * (LINE_H + 6) + 8;
  const corners = [
    [x1 - w, y0],
    [x1 - w, y1 - h],
    [x0, y0],
    [x0, y1 - h],
  ] as const;
  const hidden = ([cx, cy]: readonly [number, number]) =>
    points.filter(([px, py]) => px >= cx - 3 && px <= cx + w + 3 && py >= cy - 3 && py <= cy + h + 3).length;
  const scores = corners.map(hidden);
  const [x, top] = corners[scores.indexOf(Math.min(...scores))]!;
  c.fillRect(x, top, w, h, WHITE);
  c.strokeRect(x, top, w, h, GREY);
  series.forEach((s, k) => {
    const y = top + 6 + k * (LINE_H + 6);
    c.fillRect(x + 6, y + 2, 20, 3, PALETTE[k % PALETTE.length]!);
    c.text(x + 32, y, s.name);
  });
}

/**
 * PNG bytes of a line chart (640 x 400): title, axes with nice ticks, one coloured line per series
 * (point i at x = `chart.x[i]`, default i + 1) and a legend.
 * @example renderCurves({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', values: [0.9, 0.3] }, { name: 'validation', values: [0.5, 0.2] }] })
 */
export const renderCurves = (chart: Chart): Uint8Array => encodePng(curvesRaster(chart));

/** White to dark blue (ColorBrewer Blues), for `t` in [0, 1]. */
export function blues(t: number): Rgb {
  const stops: readonly Rgb[] = [
    [247, 251, 255],
    [198, 219, 239],
    [107, 174, 214],
    [33, 113, 181],
    [8, 48, 107],
  ];
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [0, 1, 2].map((j) => Math.round(a[j]! + (b[j]! - a[j]!) * f)) as unknown as Rgb;
}

/** Checks a `K x K` matrix of non-negative finite counts against `K` class names. */
function checkMatrix(matrix: readonly (readonly number[])[], classNames: readonly string[]): void {
  const k = matrix.length;
  if (k === 0) throw new RangeError('renderConfusionMatrix: matrix is empty; expected K x K counts');
  matrix.forEach((row, i) => {
    if (row.length !== k)
      throw new RangeError(
        `renderConfusionMatrix: row ${i} has ${row.length} entries; expected ${k} (a square matrix)`,
      );
    if (row.some((v) => !Number.isFinite(v) || v < 0)) {
      throw new RangeError(`renderConfusionMatrix: row ${i} holds a negative or non-finite count`);
    }
  });
  if (classNames.length !== k) {
    throw new RangeError(
      `renderConfusionMatrix: classNames has ${classNames.length} names; expected ${k}, one per row`,
    );
  }
}

/**
 * A confusion matrix (rows = true class, columns = predicted) as a heat map: each cell coloured by its
 * share of its row (the per-class recall on the diagonal) and labelled with its count; the title gives
 * the overall accuracy.
 */
export function confusionMatrixRaster(matrix: readonly (readonly number[])[], classNames: readonly string[]): Raster {
  checkMatrix(matrix, classNames);
  const k = matrix.length;
  const counts = matrix.map((row) => row.map((v) => String(Math.round(v))));
  const cell = Math.max(24, Math.max(...counts.flat().map((s) => textWidth(s))) + 8);
  const maxChars = Math.max(1, Math.floor((cell - 2) / 6));
  const rowLabelW = Math.max(...classNames.map((n) => textWidth(n))) + 8;
  const top = 2 * LINE_H + 16;
  const width = Math.max(14 + rowLabelW + k * cell + 12, textWidth('CONFUSION MATRIX ACC 100.0%', 2) + 20);
  const left = Math.max(14 + rowLabelW, Math.round((width - k * cell) / 2));
  const height = top + k * cell + 2 * LINE_H + 18;
  const c = new Canvas(width, height, WHITE);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, row, i) => a + row[i]!, 0);
  const acc = total > 0 ? ` ACC ${((100 * correct) / total).toFixed(1)}%` : '';
  c.textCentered(width / 2, 6, `CONFUSION MATRIX${acc}`, BLACK, 2);
  matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    const name = classNames[i]!;
    c.text(left - 6 - textWidth(name), top + i * cell + (cell - LINE_H) / 2, name);
    row.forEach((v, j) => {
      const t = rowTotal > 0 ? v / rowTotal : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      c.fillRect(x, y, cell, cell, blues(t));
      c.textCentered(x + cell / 2, y + (cell - LINE_H) / 2, counts[i]![j]!, t > 0.5 ? WHITE : BLACK);
    });
  });
  c.strokeRect(left - 1, top - 1, k * cell + 2, k * cell + 2, GREY);
  classNames.forEach((name, j) => {
    c.textCentered(left + j * cell + cell / 2, top + k * cell + 4, name.slice(0, maxChars));
  });
  c.textCentered(left + (k * cell) / 2, height - LINE_H - 4, 'PREDICTED');
  c.textVertical(3, top + (k * cell) / 2, 'TRUE');
  return c.toRaster();
}

/**
 * PNG bytes of {@link confusionMatrixRaster}.
 * @example renderConfusionMatrix(confusionMatrix(pred, labels, 10).toArray() as number[][], MNIST_CLASS_NAMES)
 */
export const renderConfusionMatrix = (
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
): Uint8Array => encodePng(confusionMatrixRaster(matrix, classNames));
