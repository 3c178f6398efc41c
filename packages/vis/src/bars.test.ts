/** @file Bar charts with error bars: sizes, one colour per bar, bars below zero, clear errors. */
import { describe, expect, it } from 'vitest';
import { barsRaster, renderBars } from './bars.js';
import { decodePng } from './png.js';
import { PALETTE } from './raster.js';
import { countColour } from './test-util.js';

const chart = {
  title: 'Gain',
  yLabel: 'points',
  bars: [
    { name: 'shift', value: 2, error: 0.5 },
    { name: 'rotate', value: 1 },
    { name: 'flip', value: -1.5, error: 1 },
  ],
};

describe('renderBars', () => {
  it('decodes to a 640 x 400 RGB PNG', () => {
    const png = decodePng(renderBars(chart));
    expect([png.width, png.height, png.channels]).toEqual([640, 400, 3]);
  });

  it('draws each bar in its palette colour with an area that follows its value, negative ones too', () => {
    const r = barsRaster(chart);
    const [a, b, c] = [0, 1, 2].map((k) => countColour(r, PALETTE[k]!)) as [number, number, number];
    expect(a).toBeGreaterThan(1.7 * b); // value 2 against value 1 (the whisker covers a column of the bar)
    expect(c).toBeGreaterThan(1.2 * b); // |−1.5| against 1
    expect(countColour(r, PALETTE[3]!)).toBe(0);
  });

  it('widens for long names and refuses bad values', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `augmentation-${i}`, value: i }));
    expect(barsRaster({ ...chart, bars: many }).width).toBeGreaterThan(640);
    expect(() => barsRaster({ ...chart, bars: [] })).toThrow(/bars is empty/);
    expect(() => barsRaster({ ...chart, bars: [{ name: 'x', value: Number.NaN }] })).toThrow(/bar 'x' has value NaN/);
    expect(() => barsRaster({ ...chart, bars: [{ name: 'x', value: 1, error: -1 }] })).toThrow(/error -1/);
  });
});
