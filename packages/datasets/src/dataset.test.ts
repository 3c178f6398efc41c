/** @file The Dataset value: construction checks, shared storage, and the pure views shuffle/take/skip/map. */
import { key, random } from '@tapenet/autodiff';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbSeed, syntheticSource } from '../test/fixtures.js';
import { gatherPixels } from './batch.js';
import { fromImageDataset, labelAt, labelsOf, map, shuffle, skip, take } from './dataset.js';

const unit = { mean: [0], std: [1] };

describe('fromImageDataset', () => {
  it('shares the source arrays, indexes them in order, and freezes the value', () => {
    const src = syntheticSource(5);
    const ds = fromImageDataset(src, unit);
    expect(ds.images).toBe(src.images);
    expect(ds.labels).toBe(src.labels);
    expect([...ds.indices]).toEqual([0, 1, 2, 3, 4]);
    expect(ds.count).toBe(5);
    expect([ds, ds.shape, ds.normalization, ds.normalization.mean, ds.transforms].every(Object.isFrozen)).toBe(true);
    expect(labelsOf(ds)).toEqual(Int32Array.of(0, 1, 2, 0, 1));
  });

  it('rejects inconsistent sources and normalisations, naming the problem', () => {
    const src = syntheticSource(4, [2, 3, 3]);
    const two = { mean: [0.5, 0.5], std: [0.2, 0.2] };
    expect(() => fromImageDataset({ ...src, count: 5 }, two)).toThrow(/images has 72 bytes, expected 5 x \[2, 3, 3\]/);
    expect(() => fromImageDataset({ ...src, labels: Uint8Array.of(0, 1, 2) }, two)).toThrow(/3 labels for 4 images/);
    expect(() => fromImageDataset({ ...src, labels: Uint8Array.of(0, 1, 3, 0) }, two)).toThrow(/label 2 is 3/);
    expect(() => fromImageDataset(src, unit)).toThrow(/1 means and 1 stds for 2 channels/);
    expect(() => fromImageDataset(src, { mean: [0, 0], std: [1, 0] })).toThrow(/positive finite stds/);
  });

  it('accepts Int32 labels', () => {
    const src = { ...syntheticSource(3), labels: Int32Array.of(2, 1, 0) };
    expect(labelAt(fromImageDataset(src, unit), 0)).toBe(2);
  });
});

describe('shuffle', () => {
  test.prop([fc.integer({ min: 0, max: 200 }), arbSeed()])(
    'permutes the view by random.permutation(key, n), sharing the pixels',
    (n, seed) => {
      const ds = fromImageDataset(syntheticSource(n), unit);
      const s = shuffle(ds, key(seed));
      expect(s.images).toBe(ds.images);
      expect(s.count).toBe(n);
      expect([...s.indices]).toEqual([...random.permutation(key(seed), n).data()]);
      expect([...s.indices].sort((a, b) => a - b)).toEqual([...ds.indices]);
      expect([...ds.indices]).toEqual(Array.from({ length: n }, (_, i) => i)); // the input view is unchanged
    },
  );

  it('composes: shuffling a shuffled view permutes its indices again', () => {
    const ds = shuffle(fromImageDataset(syntheticSource(30), unit), key(1));
    const twice = shuffle(ds, key(2));
    const perm = random.permutation(key(2), 30).data();
    expect([...twice.indices]).toEqual([...perm].map((p) => ds.indices[p]));
    expect(labelsOf(twice)).toEqual(Int32Array.from(twice.indices, (r) => r % 3));
  });

  it('gives different orders for different keys', () => {
    const ds = fromImageDataset(syntheticSource(50), unit);
    expect(shuffle(ds, key(1)).indices).not.toEqual(shuffle(ds, key(2)).indices);
  });
});

describe('take and skip', () => {
  test.prop([fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 50 }), arbSeed()])(
    'split a view into its first n examples and the rest',
    (count, n, seed) => {
      const ds = shuffle(fromImageDataset(syntheticSource(count), unit), key(seed));
      const head = take(ds, n);
      const tail = skip(ds, n);
      expect(head.count).toBe(Math.min(n, count));
      expect([...head.indices, ...tail.indices]).toEqual([...ds.indices]);
    },
  );

  it('rejects negative or fractional counts', () => {
    const ds = fromImageDataset(syntheticSource(3), unit);
    expect(() => take(ds, -1)).toThrow(RangeError);
    expect(() => skip(ds, 1.5)).toThrow(RangeError);
  });
});

describe('map', () => {
  it('is lazy, applies transforms in order when pixels are gathered, and may relabel', () => {
    let calls = 0;
    const ds = fromImageDataset(syntheticSource(4), unit);
    const mapped = map(
      map(ds, ({ pixels, label }) => {
        calls++;
        return { pixels: pixels.map((v) => 255 - v), label };
      }),
      ({ pixels, label, index }) => ({ pixels: pixels.map((v) => v / 2), label: index === 1 ? 2 : label }),
    );
    expect(calls).toBe(0);
    expect(ds.transforms).toEqual([]);
    const { pixels, labels } = gatherPixels(mapped, [1, 3]);
    expect(calls).toBe(2);
    expect(labels).toEqual(Int32Array.of(2, 0));
    const raw = ds.images.subarray(16, 32);
    expect([...pixels.data.subarray(0, 16)]).toEqual([...raw].map((v) => (255 - v) / 2));
  });

  it('rejects a transform that changes the size or returns a bad label', () => {
    const ds = fromImageDataset(syntheticSource(2), unit);
    expect(() =>
      gatherPixels(
        map(ds, ({ pixels }) => ({ pixels: pixels.subarray(1), label: 0 })),
        [0],
      ),
    ).toThrow(/returned 15 pixels \(expected 16\)/);
    expect(() =>
      gatherPixels(
        map(ds, ({ pixels }) => ({ pixels, label: 7 })),
        [0],
      ),
    ).toThrow(/label 7/);
  });
});
