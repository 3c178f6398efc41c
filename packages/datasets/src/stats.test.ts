/** @file Per-channel pixel statistics. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { computePixelStats } from './stats.js';

describe('computePixelStats', () => {
  it('separates the channels of NCHW images', () => {
    // two 1x2 images with channels R, G: R values 0, 255, 255, 255; G values 10, 10, 20, 20
    const images = new Uint8Array([0, 255, 10, 10, 255, 255, 20, 20]);
    const s = computePixelStats({ images, count: 2, shape: [2, 1, 2] });
    expect(s.mean[0]).toBeCloseTo(0.75, 12);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(0.75 - 0.75 ** 2), 12);
    expect(s.mean[1]).toBeCloseTo(15 / 255, 12);
    expect(s.std[1]).toBeCloseTo(5 / 255, 12);
    expect(s.min).toEqual([0, 10]);
    expect(s.max).toEqual([255, 20]);
  });

  it('rejects inconsistent sizes', () => {
    expect(() => computePixelStats({ images: new Uint8Array(5), count: 1, shape: [1, 2, 2] })).toThrow(RangeError);
    expect(() => computePixelStats({ images: new Uint8Array(0), count: 0, shape: [1, 2, 2] })).toThrow(RangeError);
  });

  test.prop([fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 })])(
    'a constant image has that mean and zero std in every channel',
    (v, n, c) => {
      const s = computePixelStats({ images: new Uint8Array(n * c * 6).fill(v), count: n, shape: [c, 2, 3] });
      for (let k = 0; k < c; k++) {
        expect(s.mean[k]).toBeCloseTo(v / 255, 12);
        expect(s.std[k]).toBeCloseTo(0, 6);
      }
    },
  );
});
