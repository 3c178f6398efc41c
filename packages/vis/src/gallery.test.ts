/** @file Misclassified grids, edge-mode comparisons and single images. */
import { key, random, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { edgeModesRaster, misclassified, misclassifiedRaster, renderImage, renderMisclassified } from './gallery.js';
import { textWidth } from './font.js';
import { verticalEdge } from './kernels.js';
import { decodePng } from './png.js';

describe('misclassified', () => {
  it('finds the examples whose arg-max differs from the label', () => {
    const logits = tensor([
      [2, 1, 0],
      [0, 1, 3],
      [0, 5, 1],
      [1, 0, 0],
    ]);
    expect(misclassified(logits, tensor([0, 1, 1, 2], { dtype: 'int32' }))).toEqual([
      { index: 1, predicted: 2 },
      { index: 3, predicted: 0 },
    ]);
    expect(misclassified(logits, tensor([0, 1, 1, 2], { dtype: 'int32' }), 1)).toHaveLength(1);
    expect(() => misclassified(logits, tensor([0, 1], { dtype: 'int32' }))).toThrow(/must be \[N, K\] and \[N\]/);
  });

  it('draws captioned images, as wide as the longest caption needs', () => {
    const images = random.uniform(key(0), [3, 1, 4, 4]);
    const r = misclassifiedRaster(images, [3, 1, 7], [5, 7, 1], ['0', '1', '2', '3', '4', '5', '6', '7'], { scale: 1 });
    const cell = textWidth('T:3 P:5');
    expect([r.width, r.height]).toEqual([3 * (cell + 4) + 4, 4 + 7 + 2 + 4 + 4]);
    const decoded = decodePng(renderMisclassified(images, [3, 1, 7], [5, 7, 1], []));
    const expected = misclassifiedRaster(images, [3, 1, 7], [5, 7, 1], []);
    expect([decoded.width, decoded.height]).toEqual([expected.width, expected.height]);
    expect(() => misclassifiedRaster(images, [1], [2], [])).toThrow(/3 images need 3 true and predicted labels/);
  });
});

describe('edgeModesRaster / renderImage', () => {
  it('shows the input and one tile per mode, the crop one smaller', () => {
    const img = random.uniform(key(1), [1, 1, 10, 10]);
    const r = edgeModesRaster(img, verticalEdge(), { scale: 1 });
    expect(r.width).toBe(4 * (textWidth('EXTEND 10X10') + 4) + 4);
    const png = decodePng(renderImage(img, { scale: 3 }));
    expect([png.width, png.height]).toEqual([30, 30]);
  });
});
