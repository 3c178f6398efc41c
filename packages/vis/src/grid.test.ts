/** @file Grid layout, the bitmap font and the canvas. */
import { describe, expect, it } from 'vitest';
import { GLYPH_H, glyph, textWidth } from './font.js';
import { renderGrid } from './grid.js';
import { upscale } from './image.js';
import { BLACK, Canvas, WHITE } from './raster.js';
import { countColour, pixel } from './test-util.js';

const tile = (w: number, h: number, v: number) => ({
  width: w,
  height: h,
  channels: 1 as const,
  data: new Uint8Array(w * h).fill(v),
});

describe('renderGrid', () => {
  it('sizes cells by the largest tile, with padding, scale and captions', () => {
    const r = renderGrid([{ image: tile(2, 3, 0) }, { image: tile(4, 2, 0) }, { image: tile(1, 1, 0) }], {
      columns: 2,
      scale: 2,
      padding: 1,
    });
    expect([r.width, r.height]).toEqual([2 * (8 + 1) + 1, 2 * (6 + 1) + 1]);
    const labelled = renderGrid([{ image: tile(2, 2, 0), label: 'A' }], { padding: 0 });
    expect([labelled.width, labelled.height]).toEqual([5, 2 + GLYPH_H + 2]);
  });

  it('draws each tile where the layout says', () => {
    const r = renderGrid([{ image: tile(2, 2, 10) }, { image: tile(2, 2, 20) }], { columns: 2, padding: 1 });
    expect(pixel(r, 1, 1)).toEqual([10, 10, 10]);
    expect(pixel(r, 4, 1)).toEqual([20, 20, 20]);
    expect(pixel(r, 0, 0)).toEqual([255, 255, 255]);
  });

  it('refuses an empty list and bad options', () => {
    expect(() => renderGrid([])).toThrow(/tiles is empty/);
    expect(() => renderGrid([{ image: tile(1, 1, 0) }], { scale: 0 })).toThrow(/scale must be an integer/);
  });
});

describe('font and canvas', () => {
  it('has ink for every printable character it draws, and measures text', () => {
    for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,-+:/()%=_?!<>x')
      expect(glyph(ch).length).toBeGreaterThan(0);
    expect(glyph('a')).toEqual(glyph('A'));
    expect(glyph('\u00e9')).toEqual(glyph('?'));
    expect(textWidth('AB')).toBe(11);
    expect(textWidth('AB', 2)).toBe(22);
  });

  it('text draws exactly the glyph cells', () => {
    const c = new Canvas(12, 9, WHITE);
    c.text(1, 1, '1');
    const r = c.toRaster();
    expect(countColour(r, [0, 0, 0])).toBe(glyph('1').length);
    expect(pixel(r, 3, 1)).toEqual([0, 0, 0]); // the top of the 1's stem
  });

  it('lines reach both ends; upscale repeats pixels', () => {
    const c = new Canvas(10, 10, WHITE);
    c.line(1, 1, 8, 5, BLACK);
    const r = c.toRaster();
    expect(pixel(r, 1, 1)).toEqual([0, 0, 0]);
    expect(pixel(r, 8, 5)).toEqual([0, 0, 0]);
    const u = upscale({ width: 2, height: 1, channels: 1, data: Uint8Array.of(5, 9) }, 3);
    expect([u.width, u.height, ...u.data.subarray(0, 6)]).toEqual([6, 3, 5, 5, 5, 9, 9, 9]);
  });
});
