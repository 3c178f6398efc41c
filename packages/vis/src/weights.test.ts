/** @file Filter grids and feature maps decode to the expected sizes and normalise per tile. */
import { key, mul, random, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { GLYPH_H } from './font.js';
import { decodePng } from './png.js';
import { featureMapsRaster, filtersRaster, renderFeatureMaps, renderFilters } from './weights.js';

describe('renderFilters', () => {
  it('tiles O one-channel filters in a square-ish grid and decodes to the expected size', () => {
    const png = decodePng(renderFilters(random.normal(key(0), [6, 1, 5, 5]), { scale: 4 }));
    // 3 columns x 2 rows of cells 20 px wide (captions are narrower) and 20 + caption tall, padding 3
    expect([png.width, png.height]).toEqual([3 * 23 + 3, 2 * (20 + GLYPH_H + 2 + 3) + 3]);
  });

  it('draws 3-channel filters in colour and others as one grey tile per input channel', () => {
    expect(decodePng(renderFilters(random.normal(key(1), [4, 3, 3, 3]), { scale: 2 })).channels).toBe(3);
    const grey = filtersRaster(random.normal(key(2), [2, 4, 3, 3]), { scale: 1, labels: false });
    expect(grey.channels).toBe(3); // drawn on an RGB canvas ...
    expect(
      grey.data.every(
        (_, i) => i % 3 !== 0 || (grey.data[i] === grey.data[i + 1] && grey.data[i] === grey.data[i + 2]),
      ),
    ).toBe(true); // ... in grey
    expect(grey.width).toBe(4 * (3 + 3) + 3); // one column per input channel
  });

  it('normalises each filter on its own: a filter 1000x smaller still spans black to white', () => {
    const a = random.normal(key(3), [1, 1, 4, 4]);
    const both = tensor([...a.data(), ...mul(a, 1e-3).data()], { shape: [2, 1, 4, 4] });
    const r = filtersRaster(both, { scale: 1, labels: false, columns: 2, title: '' });
    const tileValues = (left: number) =>
      Array.from({ length: 16 }, (_, i) => r.data[((3 + Math.floor(i / 4)) * r.width + left + (i % 4)) * 3]!);
    for (const left of [3, 3 + 4 + 3]) {
      expect(Math.min(...tileValues(left))).toBe(0);
      expect(Math.max(...tileValues(left))).toBe(255);
    }
  });

  it('names the argument for a weight that is not OIHW', () => {
    expect(() => renderFilters(tensor([1, 2, 3]))).toThrow(/renderFilters: weight has shape \[3\]; expected an OIHW/);
  });
});

describe('renderFeatureMaps', () => {
  it('draws one captioned grey tile per channel', () => {
    const maps = random.normal(key(4), [1, 5, 6, 7]);
    const r = featureMapsRaster(maps, { scale: 2, columns: 5 });
    expect([r.width, r.height]).toEqual([5 * (14 + 4) + 4, 12 + GLYPH_H + 2 + 8]);
    expect(decodePng(renderFeatureMaps(maps, { scale: 2, columns: 5 })).width).toBe(r.width);
    expect(() => renderFeatureMaps(random.normal(key(5), [2, 3, 4, 4]))).toThrow(
      /expected \[C, H, W\] or \[1, C, H, W\]/,
    );
  });
});
