/** @file Curves and confusion matrices: sizes, colours where the data says, clear errors. */
import { describe, expect, it } from 'vitest';
import { blues, confusionMatrixRaster, curvesRaster, renderConfusionMatrix, renderCurves } from './charts.js';
import { decodePng } from './png.js';
import { PALETTE } from './raster.js';
import { countColour, pixel } from './test-util.js';
import { formatTick, niceTicks } from './ticks.js';

const chart = {
  title: 'Loss',
  xLabel: 'epoch',
  yLabel: 'loss',
  series: [
    { name: 'train', values: [2.3, 0.9, 0.4, 0.3] },
    { name: 'validation', values: [1.2, 0.6, 0.45, 0.41] },
  ],
};

describe('renderCurves', () => {
  it('decodes to 640 x 400 RGB', () => {
    const png = decodePng(renderCurves(chart));
    expect([png.width, png.height, png.channels]).toEqual([640, 400, 3]);
  });

  it('draws each series in its palette colour, more ink for a longer line', () => {
    const r = curvesRaster(chart);
    const first = countColour(r, PALETTE[0]!);
    const second = countColour(r, PALETTE[1]!);
    expect(first).toBeGreaterThan(500); // a 2-px line across the plot plus the legend swatch
    expect(second).toBeGreaterThan(500);
    expect(countColour(r, PALETTE[2]!)).toBe(0);
    const flat = curvesRaster({ ...chart, series: [{ name: 'a', values: [1, 1, 1, 1] }, chart.series[1]!] });
    expect(countColour(r, PALETTE[0]!)).toBeGreaterThan(countColour(flat, PALETTE[0]!)); // the steep line is longer
  });

  it('copes with a single point, gaps and no data at all', () => {
    const r = curvesRaster({
      ...chart,
      series: [
        { name: 'one', values: [0.5] },
        { name: 'gap', values: [1, Number.NaN, 2] },
      ],
    });
    expect(countColour(r, PALETTE[0]!)).toBeGreaterThanOrEqual(25); // a 5x5 marker
    expect(decodePng(renderCurves({ ...chart, series: [] })).width).toBe(640);
  });
});

describe('renderCurves with x positions', () => {
  const shifts = { ...chart, x: [0, 2, 4, 8] };
  it('draws the same series over given x positions and refuses bad ones', () => {
    const r = curvesRaster(shifts);
    expect(countColour(r, PALETTE[0]!)).toBeGreaterThan(500);
    // the last segment spans half the plot at x = [0, 2, 4, 8], a third with the default 1..4
    const lastSegment = (x?: number[]) =>
      curvesRaster({ ...chart, ...(x ? { x } : {}), series: [{ name: 'a', values: [0, 0, 0, 1] }] });
    expect(countColour(lastSegment([0, 2, 4, 8]), PALETTE[0]!)).not.toBe(countColour(lastSegment(), PALETTE[0]!));
    expect(() => curvesRaster({ ...chart, x: [0, 2, 2, 3] })).toThrow(/finite increasing/);
    expect(() => curvesRaster({ ...chart, x: [0, 1] })).toThrow(/series 'train' has 4 points but x has 2/);
  });
});

describe('renderConfusionMatrix', () => {
  const m = [
    [50, 2, 0],
    [3, 40, 7],
    [0, 0, 9],
  ];
  it('decodes to an RGB image that grows with the number of classes', () => {
    const small = decodePng(renderConfusionMatrix(m, ['a', 'b', 'c']));
    const ten = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 1000 : 1)));
    const big = decodePng(renderConfusionMatrix(ten, 'abcdefghij'.split('')));
    expect(small.channels).toBe(3);
    expect(big.height).toBeGreaterThan(small.height);
  });

  it('colours diagonal cells darker than the off-diagonal ones of their row', () => {
    const r = confusionMatrixRaster(m, ['a', 'b', 'c']);
    const darkest = blues(50 / 52);
    const lightest = blues(0);
    expect(countColour(r, darkest)).toBeGreaterThan(100);
    expect(countColour(r, lightest)).toBeGreaterThan(100);
    expect(blues(1)[0]).toBeLessThan(blues(0.2)[0]);
    expect(pixel(r, 0, 0)).toEqual([255, 255, 255]);
  });

  it('names the problem for a bad matrix', () => {
    expect(() => renderConfusionMatrix([[1, 2]], ['a'])).toThrow(/row 0 has 2 entries; expected 1/);
    expect(() => renderConfusionMatrix([[1]], ['a', 'b'])).toThrow(/classNames has 2 names; expected 1/);
    expect(() => renderConfusionMatrix([[-1]], ['a'])).toThrow(/negative or non-finite/);
    expect(() => renderConfusionMatrix([], [])).toThrow(/matrix is empty/);
  });
});

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps and formats them', () => {
    const t = niceTicks(0.23, 2.31);
    expect(t.step).toBe(0.5);
    expect(t.lo).toBeLessThanOrEqual(0.23);
    expect(t.hi).toBeGreaterThanOrEqual(2.31);
    expect(t.values.map((v) => formatTick(v, t.step))).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0', '2.5']);
    expect(niceTicks(1, 1).values.length).toBeGreaterThan(1);
    expect(niceTicks(1, 3, 6, 1).step).toBe(1);
  });
});

describe('legend placement', () => {
  it('moves the legend away from a line that fills the top-right corner', () => {
    const rising = curvesRaster({
      title: '',
      xLabel: '',
      yLabel: '',
      series: [{ name: 'up', values: [0, 1, 2, 3, 4, 5] }],
    });
    const falling = curvesRaster({
      title: '',
      xLabel: '',
      yLabel: '',
      series: [{ name: 'down', values: [5, 4, 3, 2, 1, 0] }],
    });
    // the legend's frame is GREY; look for it in the top-right quarter of the plot
    const greyTopRight = (r: ReturnType<typeof curvesRaster>) => {
      let n = 0;
      for (let y = 20; y < 200; y++) for (let x = 400; x < 640; x++) if (pixel(r, x, y).every((v) => v === 160)) n++;
      return n;
    };
    expect(greyTopRight(falling)).toBeGreaterThan(0);
    expect(greyTopRight(rising)).toBe(0);
  });
});
