/** @file The reproductions' small pieces: confidence intervals, markdown tables, the 1998 schedule, output sizes, shifts. */
import { fromImageDataset, materialize } from '@tapenet/datasets';
import { describe, expect, it } from 'vitest';
import { shifted, padded } from './images.js';
import { paperSchedule } from './lenet5-1998.js';
import { outputSize } from './network-sees.js';
import { duration, markdownTable } from './report.js';
import { meanCi, pm } from './stats.js';

describe('meanCi', () => {
  it('is the mean ± t(0.975, n−1)·s/√n', () => {
    // values 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.303
    const r = meanCi([1, 2, 3]);
    expect(r.mean).toBe(2);
    expect(r.ci).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(meanCi([5]).ci).toBe(0);
    expect(pm(meanCi([1, 2, 3]))).toBe('2.00 ± 2.48');
    expect(() => meanCi([])).toThrow(/no values/);
  });
});

describe('markdownTable', () => {
  it('right-aligns numeric columns only and escapes pipes', () => {
    const md = markdownTable({
      caption: 'Caption:',
      rows: [
        ['name', 'value', 'note'],
        ['a|b', '1.5 ± 0.2', 'text'],
        ['c', '−2', ''],
      ],
    });
    expect(md).toBe(
      'Caption:\n\n| name | value | note |\n| --- | ---: | --- |\n| a\\|b | 1.5 ± 0.2 | text |\n| c | −2 |  |',
    );
  });
});

describe('paperSchedule', () => {
  it("keeps the 1998 schedule's steps at passes 2, 5, 8 and 12 of 20, over any number of steps", () => {
    const lr = paperSchedule(1)({ stepsPerEpoch: 100, totalSteps: 2000 });
    expect([0, 199, 200, 499, 500, 800, 1200, 1999].map(lr)).toEqual([1, 1, 0.4, 0.4, 0.2, 0.1, 0.02, 0.02]);
    const short = paperSchedule(0.5)({ stepsPerEpoch: 10, totalSteps: 20 });
    expect([0, 2, 5, 8, 12].map(short)).toEqual([0.5, 0.2, 0.1, 0.05, 0.01]);
  });
});

describe('image helpers', () => {
  const ds = fromImageDataset(
    {
      images: Uint8Array.from({ length: 2 * 9 }, (_, i) => i + 1),
      labels: Uint8Array.from([0, 1]),
      count: 2,
      shape: [1, 3, 3],
      classNames: ['a', 'b'],
    },
    { mean: [0], std: [1] },
  );
  it('shifts images by whole pixels with a black border', () => {
    const x = Array.from(materialize(shifted(ds, 1, -1), [0]).x.data()).map((v) => Math.round(v * 255));
    expect(x).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
  });
  it('pads images with a black frame and the given normalisation', () => {
    const p = padded(ds, 1, { mean: [0], std: [1] });
    expect(p.shape).toEqual([1, 5, 5]);
    expect(Array.from(p.images.subarray(25, 50)).filter((v) => v > 0)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(Array.from(p.labels)).toEqual([0, 1]);
  });
});

it('duration reads at every scale', () => {
  expect([4.24, 42, 185, 18420, 5 * 86400].map(duration)).toEqual([
    '4.2 s',
    '42 s',
    '3 min 05 s',
    '5 h 07 min',
    '5.0 days',
  ]);
});

it('outputSize is ⌊(W − F + 2P)/S⌋ + 1', () => {
  expect(outputSize(28, 3, 1, 1)).toBe(28);
  expect(outputSize(28, 3, 0, 1)).toBe(26);
  expect(outputSize(28, 5, 2, 2)).toBe(14);
  expect(outputSize(32, 5, 0, 1)).toBe(28);
});
