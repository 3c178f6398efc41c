/** @file Command-line parsing and the layout-independent output comparison. */
import { describe, expect, test } from 'vitest';
import { parseArgs } from './args.js';
import { agree, fingerprints } from './check.js';
import { nchwToNhwc, oihwToHwio, oihwToOhwi, uniform } from './data.js';

describe('parseArgs', () => {
  test('defaults to the quick set and writes to the given folder', () => {
    const o = parseArgs([], '/r');
    expect(o).toMatchObject({ set: 'quick', scale: 'normal', out: '/r', mnistImages: 60000 });
    expect(o.timing.reps).toBe(5);
  });
  test('reads every option', () => {
    const o = parseArgs(
      ['--', '--full', '--reps', '3', '--only', 'conv', '--impls', 'tfjs', '--mnist-images', '640', '--no-write'],
      '/r',
    );
    expect(o).toMatchObject({ set: 'full', out: null, mnistImages: 640 });
    expect(o.timing.reps).toBe(3);
    expect(o.only?.test('CONV-vgg')).toBe(true);
    expect(o.impls?.source).toBe('tfjs');
  });
  test('rejects bad input with the usage text', () => {
    expect(() => parseArgs(['--reps', '0'], '/r')).toThrow(/positive integer[\s\S]*Usage/);
    expect(() => parseArgs(['--bogus'], '/r')).toThrow(/unknown option --bogus/);
  });
});

describe('layouts and fingerprints', () => {
  test('layout conversions permute without changing Σv, Σ|v|, Σv²', () => {
    const x = uniform(2 * 3 * 4 * 5, 1);
    const f = (a: Float32Array) => fingerprints('GFLOP/s', [a]);
    expect(agree(f(x), f(nchwToNhwc(x, 2, 3, 4, 5)), 1e-12)).toBe(true);
    expect(agree(f(x), f(oihwToHwio(x, 2, 3, 4, 5)), 1e-12)).toBe(true);
    expect(agree(f(x), f(oihwToOhwi(x, 2, 3, 4, 5)), 1e-12)).toBe(true);
    expect(nchwToNhwc(x, 2, 3, 4, 5)[1]).toBe(x[20]); // [0,0,0,1] in NHWC is channel 1 of pixel 0
  });
  test('a number[] group is one array, an array of arrays is one array per sample', () => {
    expect(fingerprints('GFLOP/s', [[1, -2]])).toEqual([{ sum: -1, abs: 3, sq: 5 }]);
    expect(fingerprints('GFLOP/s', [[[1], [-2]]])).toEqual([{ sum: -1, abs: 3, sq: 5 }]);
    expect(fingerprints('img/s', [[2.5], [9, 9]])).toEqual([{ sum: 2.5, abs: 2.5, sq: 6.25 }]);
  });
  test('agree spots a dropped gradient but not float32 round-off', () => {
    const a = uniform(1000, 2);
    const rounded = a.map((v) => v * (1 + 1e-6));
    const dropped = a.map((v, i) => (i % 16 === 0 ? 0 : v));
    const f = (v: Float32Array) => fingerprints('GFLOP/s', [v]);
    expect(agree(f(a), f(rounded))).toBe(true);
    expect(agree(f(a), f(dropped))).toBe(false);
  });
});
