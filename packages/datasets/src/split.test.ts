/** @file `split`: sizes, disjointness, keyed and unkeyed selection, and stratification within ±1 per class. */
import { key } from '@tapenet/autodiff';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbSeed, syntheticSource } from '../test/fixtures.js';
import { fromImageDataset, labelsOf, shuffle } from './dataset.js';
import { split, stratifiedQuotas } from './split.js';

const unit = { mean: [0], std: [1] };
const arbLabels = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 120 });
const ofLabels = (labels: readonly number[]) =>
  fromImageDataset(syntheticSource(labels.length, [1, 2, 2], 5, labels), unit);
const perClass = (labels: ArrayLike<number>): number[] => {
  const out = [0, 0, 0, 0, 0];
  for (const l of Array.from(labels)) out[l] = out[l]! + 1;
  return out;
};

describe('split', () => {
  test.prop([arbLabels, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.option(arbSeed())])(
    'partitions the view, keeps its order, and gives validation round(fraction · n) examples',
    (labels, fraction, stratified, seed) => {
      const ds = shuffle(ofLabels(labels), key(7));
      const [train, val] = split(ds, { fraction, stratified, ...(seed === null ? {} : { key: key(seed) }) });
      expect(val.count).toBe(Math.round(fraction * labels.length));
      expect(train.count + val.count).toBe(ds.count);
      const position = new Map([...ds.indices].map((row, i) => [row, i]));
      for (const part of [train, val]) {
        const at = [...part.indices].map((r) => position.get(r)!);
        expect(at).toEqual([...at].sort((a, b) => a - b));
      }
      expect([...train.indices, ...val.indices].sort((a, b) => a - b)).toEqual([...ds.indices].sort((a, b) => a - b));
    },
  );

  test.prop([arbLabels, fc.nat(), fc.option(arbSeed())])(
    'stratified: each class gives floor or ceil of its share, so proportions hold within ±1',
    (labels, c, seed) => {
      const count = c % (labels.length + 1);
      const ds = ofLabels(labels);
      const [train, val] = split(ds, { count, stratified: true, ...(seed === null ? {} : { key: key(seed) }) });
      const all = perClass(labels);
      const v = perClass(labelsOf(val));
      const t = perClass(labelsOf(train));
      all.forEach((n, cls) => {
        const quota = (count * n) / labels.length;
        expect(Math.abs(v[cls]! - quota)).toBeLessThan(1);
        expect(Math.abs(t[cls]! - (n - quota))).toBeLessThan(1);
      });
    },
  );

  it('without a key takes the last examples (of each class when stratified)', () => {
    const ds = ofLabels([0, 0, 1, 0, 1, 1, 0, 1]);
    expect([...split(ds, { count: 3 })[1].indices]).toEqual([5, 6, 7]);
    expect([...split(ds, { count: 4, stratified: true })[1].indices]).toEqual([3, 5, 6, 7]);
  });

  it('with a key picks a random but reproducible selection', () => {
    const ds = ofLabels(Array.from({ length: 100 }, (_, i) => i % 5));
    const a = split(ds, { fraction: 0.2, key: key(1) })[1].indices;
    expect(split(ds, { fraction: 0.2, key: key(1) })[1].indices).toEqual(a);
    expect(split(ds, { fraction: 0.2, key: key(2) })[1].indices).not.toEqual(a);
    expect([...a]).not.toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
  });

  it('rejects out-of-range sizes', () => {
    const ds = ofLabels([0, 1, 2]);
    expect(() => split(ds, { count: 4 })).toThrow(/count must be an integer in \[0, 3\]/);
    expect(() => split(ds, { fraction: 1.5 })).toThrow(/fraction/);
  });
});

describe('stratifiedQuotas', () => {
  it('gives the leftover examples to the largest remainders', () => {
    expect(stratifiedQuotas([5, 3, 2], 5)).toEqual([3, 1, 1]); // quotas 2.5, 1.5, 1.0
    expect(stratifiedQuotas([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(stratifiedQuotas([0, 4], 4)).toEqual([0, 4]);
  });
});
