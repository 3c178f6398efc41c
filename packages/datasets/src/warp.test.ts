/** @file The deterministic pixel operations: exact worked examples and algebraic properties. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbByteBatch, onePixel, px } from '../test/fixtures.js';
import {
  adjustImages,
  flipImages,
  type PixelBatch,
  rotateImages,
  rotateScaleInverse,
  scaleImages,
  shiftImages,
  warpImages,
} from './warp.js';

const ones = (n: number): Int32Array => new Int32Array(n).fill(1);
const zeros = (n: number): Int32Array => new Int32Array(n);

/** np.rot90 (counter-clockwise) of each plane of a square batch: `out[y][x] = in[x][W-1-y]`. */
const rot90 = (b: PixelBatch): number[] => {
  const [n, c, h, w] = b.shape;
  const out: number[] = [];
  for (let i = 0; i < n * c; i++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(b.data[(i * h + x) * w + (w - 1 - y)]!);
  }
  return out;
};

describe('flipImages', () => {
  test.prop([arbByteBatch()])('flipping twice is the identity', (b) => {
    const f = ones(b.shape[0]);
    expect(flipImages(flipImages(b, f), f).data).toEqual(b.data);
  });

  it('mirrors only the images asked for, and keeps the array type', () => {
    const b: PixelBatch<Uint8Array> = { data: Uint8Array.of(1, 2, 3, 4, 5, 6), shape: [2, 1, 1, 3] };
    const out = flipImages(b, [0, 1]);
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect([...out.data]).toEqual([1, 2, 3, 6, 5, 4]);
    expect([...b.data]).toEqual([1, 2, 3, 4, 5, 6]); // input untouched
  });
});

describe('shiftImages', () => {
  test.prop([
    fc.integer({ min: 0, max: 7 }),
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: -8, max: 8 }),
    fc.integer({ min: -6, max: 6 }),
  ])('moves a single bright pixel by exactly (dx, dy), or off the image', (x, y, dx, dy) => {
    const out = shiftImages(onePixel([1, 2, 6, 8], { c: 1, x, y }), [dx], [dy]);
    const inside = x + dx >= 0 && x + dx < 8 && y + dy >= 0 && y + dy < 6;
    const lit = [...out.data.keys()].filter((i) => out.data[i] !== 0);
    expect(lit).toEqual(inside ? [(1 * 6 + y + dy) * 8 + x + dx] : []);
    if (inside) expect(px(out, 0, 1, y + dy, x + dx)).toBe(200);
  });

  test.prop([arbByteBatch(), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })])(
    'out(y, x) = in(y - dy, x - dx), zero outside',
    (b, dx, dy) => {
      const [n, c, h, w] = b.shape;
      const out = shiftImages(b, new Array(n).fill(dx), new Array(n).fill(dy));
      for (let i = 0; i < n; i++)
        for (let ch = 0; ch < c; ch++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              const [sy, sx] = [y - dy, x - dx];
              const want = sy >= 0 && sy < h && sx >= 0 && sx < w ? px(b, i, ch, sy, sx) : 0;
              expect(px(out, i, ch, y, x)).toBe(want);
            }
    },
  );

  it('rejects fractional shifts and mismatched parameter counts', () => {
    const b = onePixel([2, 1, 3, 3], { x: 1, y: 1 });
    expect(() => shiftImages(b, [0.5, 0], [0, 0])).toThrow(/integers/);
    expect(() => shiftImages(b, [0], [0])).toThrow(/dx has 1 entries for 2 images/);
  });
});

describe('warpImages: rotation and scale', () => {
  test.prop([arbByteBatch().filter((b) => b.shape[2] === b.shape[3])])(
    'rotating a square image by 90° equals np.rot90, exactly',
    (b) => {
      expect([...rotateImages(b, new Array(b.shape[0]).fill(90)).data]).toEqual(rot90(b));
    },
  );

  it('sends a known pixel where the rotation maths says (28x28, +90° is counter-clockwise)', () => {
    // Centre (13.5, 13.5); offset (6.5, -8.5) of pixel (x=20, y=5) becomes (-8.5, -6.5): pixel (5, 7).
    const out = rotateImages(onePixel([1, 1, 28, 28], { x: 20, y: 5 }), [90]);
    expect(px(out, 0, 0, 7, 5)).toBe(200);
    expect(out.data.reduce((a, v) => a + v, 0)).toBe(200);
    const back = rotateImages(out, [-90]);
    expect(px(back, 0, 0, 5, 20)).toBe(200);
  });

  test.prop([arbByteBatch()])('rotation by 0° and 360° and scale 1 are the identity', (b) => {
    const n = b.shape[0];
    expect(rotateImages(b, new Array(n).fill(0)).data).toEqual(b.data);
    expect(rotateImages(b, new Array(n).fill(360)).data).toEqual(b.data);
    expect(scaleImages(b, new Array(n).fill(1)).data).toEqual(b.data);
  });

  it('scales about the centre: zoom 2 spreads a pixel one step from the centre to two steps, bilinearly', () => {
    // 9x9, centre (4, 4); output x' samples input 4 + (x' - 4) / 2, so x' = 6 reads x = 5 and x' = 5, 7 read halves.
    const out = scaleImages(onePixel([1, 1, 9, 9], { x: 5, y: 4 }), [2]);
    expect(px(out, 0, 0, 4, 6)).toBeCloseTo(200, 5);
    expect(px(out, 0, 0, 4, 5)).toBeCloseTo(100, 5);
    expect(px(out, 0, 0, 4, 7)).toBeCloseTo(100, 5);
    expect(px(out, 0, 0, 3, 6)).toBeCloseTo(100, 5);
    expect(px(out, 0, 0, 4, 4)).toBe(0);
  });

  it('fills with zeros outside the source and interpolates a half-pixel shift', () => {
    const b: PixelBatch<Float32Array> = { data: Float32Array.of(10, 20, 30, 40), shape: [1, 1, 1, 4] };
    const half = warpImages(b, [[1, 0, 0.5, 0, 1, 0]]); // samples x + 0.5
    expect([...half.data]).toEqual([15, 25, 35, 20]); // the last blends 40 with the zero outside
    const bytes = warpImages({ data: Uint8Array.of(1, 2, 0, 0), shape: [1, 1, 1, 4] }, [[1, 0, 0.5, 0, 1, 0]]);
    expect([...bytes.data]).toEqual([2, 1, 0, 0]); // rounded (1.5 -> 2, 1 -> 1)
  });

  it('rotateScaleInverse maps the centre to itself', () => {
    const [a, b, c, d, e, f] = rotateScaleInverse(33, 1.7, 11, 20);
    expect(a * 9.5 + b * 5 + c).toBeCloseTo(9.5, 12);
    expect(d * 9.5 + e * 5 + f).toBeCloseTo(5, 12);
  });
});

describe('adjustImages', () => {
  test.prop([arbByteBatch()])('factors of 1 are the identity', (b) => {
    const n = b.shape[0];
    expect(adjustImages(b, ones(n), ones(n)).data).toEqual(b.data);
  });

  it('multiplies by the brightness factor and clamps to maxValue', () => {
    const b: PixelBatch<Float32Array> = { data: Float32Array.of(10, 100, 200), shape: [1, 1, 1, 3] };
    expect([...adjustImages(b, [1.5], [1]).data]).toEqual([15, 150, 255]);
    expect([...adjustImages(b, [2], [1], 300).data]).toEqual([20, 200, 300]);
  });

  it('scales distances from the mean grey level (luma for RGB) by the contrast factor', () => {
    const grey: PixelBatch<Float32Array> = { data: Float32Array.of(50, 150), shape: [1, 1, 1, 2] };
    expect([...adjustImages(grey, [1], [0.5]).data]).toEqual([75, 125]);
    expect([...adjustImages(grey, [1], zeros(1)).data]).toEqual([100, 100]);
    // One RGB pixel: the mean is its luma, so contrast 0 turns it grey.
    const rgb: PixelBatch<Float32Array> = { data: Float32Array.of(255, 0, 0), shape: [1, 3, 1, 1] };
    const out = adjustImages(rgb, [1], [0]);
    for (const v of out.data) expect(v).toBeCloseTo(0.299 * 255, 4);
  });
});
