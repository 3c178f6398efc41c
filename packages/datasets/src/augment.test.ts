/** @file `augment`: keyed determinism, identity when off, stage semantics (crop window, flip, shifts). */
import { key } from '@tapenet/autodiff';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbByteBatch, arbSeed, onePixel, px } from '../test/fixtures.js';
import { type AugmentOptions, augment } from './augment.js';
import type { PixelBatch } from './warp.js';

const EVERYTHING: AugmentOptions = {
  crop: { padding: 2 },
  flip: true,
  translate: 1,
  rotate: 15,
  scale: [0.9, 1.1],
  brightness: 0.3,
  contrast: 0.3,
};

/** Zero-pads every plane by `p` on each side. */
const padded = (b: PixelBatch, p: number): PixelBatch<Float32Array> => {
  const [n, c, h, w] = b.shape;
  const [H, W] = [h + 2 * p, w + 2 * p];
  const data = new Float32Array(n * c * H * W);
  for (let i = 0; i < n * c; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) data[(i * H + y + p) * W + x + p] = b.data[(i * h + y) * w + x]!;
  return { data, shape: [n, c, H, W] };
};

describe('augment', () => {
  test.prop([arbByteBatch(), arbSeed()])('is deterministic for a key and leaves its input alone', (b, seed) => {
    const before = b.data.slice();
    const f = augment(EVERYTHING);
    const a1 = f(b, key(seed));
    expect(f(b, key(seed)).data).toEqual(a1.data);
    expect(a1.shape).toEqual(b.shape);
    expect(a1.data).toBeInstanceOf(Uint8Array);
    expect(b.data).toEqual(before);
  });

  it('depends on the key', () => {
    const b = { data: Float32Array.from({ length: 8 * 3 * 8 * 8 }, (_, i) => i % 251), shape: [8, 3, 8, 8] } as const;
    const f = augment(EVERYTHING);
    expect(f(b, key(1)).data).not.toEqual(f(b, key(2)).data);
  });

  test.prop([arbByteBatch(), arbSeed()])('is the identity when every stage is off', (b, seed) => {
    const off: AugmentOptions = { crop: { padding: 0 }, flip: false, translate: 0, rotate: 0, scale: [1, 1] };
    expect(augment({})(b, key(seed))).toBe(b);
    expect(augment(off)(b, key(seed))).toBe(b);
    expect(augment({ brightness: 0, contrast: 0 })(b, key(seed))).toBe(b);
  });

  test.prop([arbByteBatch(), arbSeed()])('a flip applied twice with the same key is the identity', (b, seed) => {
    const flip = augment({ flip: true });
    expect(flip(flip(b, key(seed)), key(seed)).data).toEqual(b.data);
  });

  it('flips about half of a large batch with flip: true, all with flip: 1', () => {
    const b = onePixel([400, 1, 1, 2], { x: 0, y: 0 });
    for (let i = 0; i < 400; i++) b.data[2 * i] = 1;
    const flippedCount = (out: PixelBatch) => out.data.filter((v, i) => i % 2 === 1 && v === 1).length;
    const half = flippedCount(augment({ flip: true })(b, key(3)));
    expect(half).toBeGreaterThan(150);
    expect(half).toBeLessThan(250);
    expect(flippedCount(augment({ flip: 1 })(b, key(3)))).toBe(400);
  });

  test.prop([arbByteBatch(), arbSeed(), fc.integer({ min: 1, max: 4 })])(
    'crop keeps the size and each image is a window of its zero-padded image at an offset in [0, 2p]',
    (b, seed, p) => {
      const [n, c, h, w] = b.shape;
      const out = augment({ crop: { padding: p } })(b, key(seed));
      expect(out.shape).toEqual(b.shape);
      const big = padded(b, p);
      for (let i = 0; i < n; i++) {
        const windows: [number, number][] = [];
        for (let oy = 0; oy <= 2 * p; oy++)
          for (let ox = 0; ox <= 2 * p; ox++) {
            let same = true;
            for (let ch = 0; ch < c && same; ch++)
              for (let y = 0; y < h && same; y++)
                for (let x = 0; x < w && same; x++) same = px(out, i, ch, y, x) === px(big, i, ch, y + oy, x + ox);
            if (same) windows.push([ox, oy]);
          }
        expect(windows.length).toBeGreaterThan(0);
      }
    },
  );

  it('crops at varied offsets: a bright centre pixel lands on every position of the (2p+1)² window', () => {
    const n = 600;
    const b = onePixel([n, 1, 5, 5], { x: 2, y: 2 });
    for (let i = 1; i < n; i++) b.data[i * 25 + 12] = 200;
    const out = augment({ crop: { padding: 1 } })(b, key(9));
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(out.data.subarray(i * 25, (i + 1) * 25).indexOf(200));
    expect([...seen].sort((a, z) => a - z)).toEqual([6, 7, 8, 11, 12, 13, 16, 17, 18]);
  });

  it('translates a bright pixel by at most the limit on each axis, by exactly one integer shift', () => {
    const n = 300;
    const b = onePixel([n, 1, 9, 9], { x: 4, y: 4 });
    for (let i = 1; i < n; i++) b.data[i * 81 + 40] = 200;
    const out = augment({ translate: { x: 2, y: 1 } })(b, key(5));
    const shifts = new Set<string>();
    for (let i = 0; i < n; i++) {
      const img = out.data.subarray(i * 81, (i + 1) * 81);
      expect(img.filter((v) => v !== 0)).toEqual(Float32Array.of(200));
      const at = img.indexOf(200);
      shifts.add(`${(at % 9) - 4},${Math.floor(at / 9) - 4}`);
    }
    expect(shifts.size).toBe(15); // dx in -2..2, dy in -1..1
  });

  it('keeps rotation angles within ±degrees: a 10° rotation moves an edge pixel less than a 90° turn would', () => {
    const b = onePixel([50, 1, 21, 21], { x: 20, y: 10 });
    for (let i = 1; i < 50; i++) b.data[i * 441 + 10 * 21 + 20] = 200;
    const out = augment({ rotate: 10 })(b, key(4));
    for (let i = 0; i < 50; i++) {
      const img = out.data.subarray(i * 441, (i + 1) * 441);
      let [sx, sy, mass] = [0, 0, 0];
      img.forEach((v, j) => {
        sx += v * (j % 21);
        sy += v * Math.floor(j / 21);
        mass += v;
      });
      const angle = (Math.atan2(-(sy / mass - 10), sx / mass - 10) * 180) / Math.PI;
      expect(Math.abs(angle)).toBeLessThanOrEqual(10.5);
    }
  });

  it('does not change one stage when another is turned on (stages draw from separate keys)', () => {
    const b = { data: Float32Array.from({ length: 6 * 64 }, (_, i) => (i * 7) % 256), shape: [6, 1, 8, 8] } as const;
    const k = key(11);
    const flipOnly = augment({ flip: true })(b, k);
    const flipThenColour = augment({ flip: true, brightness: 0.5 })(b, k);
    const colourOnly = augment({ brightness: 0.5 })(flipOnly, k);
    expect(flipThenColour.data).toEqual(colourOnly.data);
  });

  it('rejects invalid options when built', () => {
    expect(() => augment({ crop: { padding: -1 } })).toThrow(/crop.padding/);
    expect(() => augment({ flip: 2 })).toThrow(/flip/);
    expect(() => augment({ translate: 1.5 })).toThrow(/translate/);
    expect(() => augment({ scale: [1.2, 0.8] })).toThrow(/scale/);
    expect(() => augment({ rotate: Number.NaN })).toThrow(/rotate/);
    expect(() => augment({ brightness: -1 })).toThrow(/brightness/);
  });
});
