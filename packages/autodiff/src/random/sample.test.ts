/**
 * @file Samplers: JAX known answers, determinism, bounds, and statistical sanity. Keys are fixed, so every
 * statistic is reproducible; bounds are about 5 standard errors (or a 0.1% Kolmogorov–Smirnov level), wide
 * enough never to flake and narrow enough to catch a wrong scale, shift, bound or distribution.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { foldIn, type Key, key, split } from './keys.js';
import {
  bernoulliValues,
  normalValues,
  permutationValues,
  randintValues,
  randomBits,
  truncatedNormalValues,
  uint64Mod,
  uniformValues,
} from './sample.js';
import { normalCdf, normalPdf } from './special.js';
import { threefry2x32 } from './threefry.js';

type Floats = Float32Array | Float64Array;
const dtypes = ['float32', 'float64'] as const;
const seeds = fc.nat({ max: 2 ** 40 });

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}
function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / (xs.length - 1);
}
/** Kolmogorov–Smirnov statistic `sup |F_n(x) − F(x)|` of a sample against a continuous CDF. */
function ksStatistic(xs: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
/** The KS critical value at level 0.001 for large n. */
const ks001 = (n: number): number => 1.95 / Math.sqrt(n);
const allFinite = (xs: Floats): boolean => xs.every(Number.isFinite);

describe('JAX known answers', () => {
  // k1, k2 = jax.random.split(jax.random.PRNGKey(0)); jax.random.normal(k1, (4, 4)) and
  // jax.random.uniform(k2, (4, 4)) in float32 with partitionable Threefry (JAX's default), printed to 8
  // digits; recorded in NVIDIA/TensorRT-Incubator mlir-tensorrt/integrations/PJRT/test/JAX/test_random.py.
  const [k1, k2] = split(key(0)) as [Key, Key];

  it('uniformValues(float32) equals jax.random.uniform', () => {
    const want = [
      0.00729382, 0.02089119, 0.5814265, 0.36183798, 0.22303772, 0.11928833, 0.12543893, 0.61683, 0.0950073, 0.9834225,
      0.4248221, 0.8324801, 0.0966121, 0.22702086, 0.3545748, 0.67104137,
    ];
    const got = uniformValues(k2, 16, 'float32');
    for (const [i, w] of want.entries()) expect(Math.abs(got[i]! - w)).toBeLessThan(1e-8 + 1e-7 * w);
  });

  it('normalValues(float32) equals jax.random.normal up to float32 erfinv rounding', () => {
    const want = [
      1.0040143, -0.9063372, -0.7481722, -1.1713669, -0.8712328, 0.58883816, 0.72392994, -1.0255982, 1.661628,
      -1.8910251, -1.2889339, 0.13360691, -1.1530392, 0.23929629, 1.7448071, 0.5050189,
    ];
    const got = normalValues(k1, 16, 'float32');
    for (const [i, w] of want.entries()) expect(Math.abs(got[i]! - w)).toBeLessThan(1e-6 * Math.abs(w));
  });
});

describe('randomBits', () => {
  test.prop([seeds, fc.integer({ min: 0, max: 40 })])('word i is y0 xor y1 of threefry(k, (0, i))', (seed, n) => {
    const k = key(seed);
    const bits = randomBits(k, n);
    expect(bits.length).toBe(n);
    for (let i = 0; i < n; i++) {
      const [y0, y1] = threefry2x32(k.words[0], k.words[1], 0, i);
      expect(bits[i]).toBe((y0 ^ y1) >>> 0);
    }
  });
});

describe('determinism and independence', () => {
  const samplers: readonly [string, (k: Key, n: number) => ArrayLike<number>][] = [
    ['uniform f32', (k, n) => uniformValues(k, n, 'float32', -1, 3)],
    ['uniform f64', (k, n) => uniformValues(k, n, 'float64')],
    ['normal f32', (k, n) => normalValues(k, n, 'float32', 1, 2)],
    ['normal f64', (k, n) => normalValues(k, n, 'float64')],
    ['truncated normal f32', (k, n) => truncatedNormalValues(k, n, 'float32')],
    ['truncated normal f64', (k, n) => truncatedNormalValues(k, n, 'float64', -1, 3)],
    ['bernoulli', (k, n) => bernoulliValues(k, n, 0.5)],
    ['randint', (k, n) => randintValues(k, n, -1000, 1000)],
  ];

  test.prop([seeds, fc.integer({ min: 0, max: 30 })])('same key, same values; prefixes agree', (seed, n) => {
    const k = key(seed);
    for (const [, sample] of samplers) {
      expect(Array.from(sample(k, n))).toEqual(Array.from(sample(k, n)));
      expect(Array.from(sample(k, n + 7)).slice(0, n)).toEqual(Array.from(sample(k, n)));
    }
  });

  it.each(samplers)('%s: different keys give different values', (_, sample) => {
    const [a, b] = split(key(99)) as [Key, Key];
    const xs = sample(a, 1000);
    const ys = sample(b, 1000);
    let same = 0;
    for (let i = 0; i < 1000; i++) if (xs[i] === ys[i]) same++;
    // Only bernoulli (1/2) and randint (1/2000) can agree by chance.
    expect(same).toBeLessThan(600);
    expect(Array.from(xs)).not.toEqual(Array.from(ys));
  });
});

describe('uniformValues', () => {
  it.each(dtypes)('%s: 100k samples on [0, 1) have mean 1/2 and variance 1/12, and pass KS', (dtype) => {
    const n = 100_000;
    const xs = uniformValues(key(1), n, dtype);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance(xs) - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
    expect(ksStatistic(xs.subarray(0, 20_000), (x) => x)).toBeLessThan(ks001(20_000));
  });

  it('scales and shifts to [lo, hi)', () => {
    const xs = uniformValues(key(2), 50_000, 'float64', -3, 5);
    expect(xs.every((x) => x >= -3 && x < 5)).toBe(true);
    expect(Math.abs(mean(xs) - 1)).toBeLessThan((5 * 8) / Math.sqrt(12 * 50_000));
  });

  it.each([
    ['float32', 2 ** -23],
    ['float64', 2 ** -52],
  ] as const)('%s: values that would round up to hi are clamped below it', (dtype, ulp) => {
    // hi is three ulps above lo = 1, so lo + f·(hi − lo) rounds to hi for f ≥ 5/6.
    const xs = uniformValues(key(3), 10_000, dtype, 1, 1 + 3 * ulp);
    expect(new Set(xs)).toEqual(new Set([1, 1 + ulp, 1 + 2 * ulp]));
  });

  test.prop([
    seeds,
    fc.constantFrom(...dtypes),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.double({ min: 1e-5, max: 1e3, noNaN: true }),
  ])('always lands in [lo, hi)', (seed, dtype, lo, width) => {
    // Relative width ≥ 1e-5, so a float32 value always lies in the interval.
    const hi = lo + width * (1 + Math.abs(lo));
    const xs = uniformValues(key(seed), 50, dtype, lo, hi);
    expect(xs.every((x) => x >= lo && x < hi)).toBe(true);
  });
});

describe('normalValues', () => {
  it.each(dtypes)('%s: 100k samples have the requested mean and variance, normal tails, and pass KS', (dtype) => {
    const n = 100_000;
    const [mu, sigma] = [2, 3];
    const xs = normalValues(key(4), n, dtype, mu, sigma);
    expect(allFinite(xs)).toBe(true);
    expect(Math.abs(mean(xs) - mu)).toBeLessThan((5 * sigma) / Math.sqrt(n));
    expect(Math.abs(variance(xs) - sigma ** 2)).toBeLessThan(5 * sigma ** 2 * Math.sqrt(2 / n));
    // P(|Z| > 3) = 0.0026998; the count is binomial.
    const p3 = 2 * normalCdf(-3);
    const beyond3 = xs.filter((x) => Math.abs(x - mu) > 3 * sigma).length;
    expect(Math.abs(beyond3 - n * p3)).toBeLessThan(5 * Math.sqrt(n * p3));
    const z = xs.subarray(0, 20_000).map((x) => (x - mu) / sigma);
    expect(ksStatistic(z, normalCdf)).toBeLessThan(ks001(20_000));
  });

  it('std 0 gives the mean exactly', () => {
    expect(Array.from(normalValues(key(5), 4, 'float64', 1.5, 0))).toEqual([1.5, 1.5, 1.5, 1.5]);
  });
});

describe('truncatedNormalValues', () => {
  /** Mean and variance of N(0, 1) truncated to [a, b], from the closed forms. */
  function truncatedMoments(a: number, b: number): [number, number] {
    const z = normalCdf(b) - normalCdf(a);
    const m = (normalPdf(a) - normalPdf(b)) / z;
    return [m, 1 + (a * normalPdf(a) - b * normalPdf(b)) / z - m * m];
  }

  it.each(dtypes)('%s: the default (-2, 2) stays strictly inside and is symmetric', (dtype) => {
    const xs = truncatedNormalValues(key(6), 50_000, dtype);
    expect(xs.every((x) => x > -2 && x < 2)).toBe(true);
    const [, v] = truncatedMoments(-2, 2);
    expect(Math.abs(mean(xs))).toBeLessThan(5 * Math.sqrt(v / 50_000));
  });

  it.each([
    ['float64', -1, 2],
    ['float32', -1, 2],
    ['float64', -0.5, 4], // mirrored to the lower tail
    ['float32', 3, 4], // mirrored, then handled with log Φ
    ['float64', -5, -4.5],
  ] as const)('%s on [%s, %s]: mean and variance match the formulas, and it passes KS', (dtype, a, b) => {
    const n = 100_000;
    const xs = truncatedNormalValues(key(7), n, dtype, a, b);
    expect(xs.every((x) => x > a && x < b)).toBe(true);
    const [m, v] = truncatedMoments(a, b);
    expect(Math.abs(mean(xs) - m)).toBeLessThan(5 * Math.sqrt(v / n));
    expect(Math.abs(variance(xs) - v)).toBeLessThan(5 * v * Math.sqrt(3 / n));
    const [pa, z] = [normalCdf(a), normalCdf(b) - normalCdf(a)];
    expect(ksStatistic(xs.subarray(0, 20_000), (x) => (normalCdf(x) - pa) / z)).toBeLessThan(ks001(20_000));
  });

  it('works far in the tails where Φ underflows', () => {
    // For a large, the excess over a is nearly exponential with mean 1/a: E[X | X > a] ≈ a + 1/a − 2/a³.
    const up = truncatedNormalValues(key(8), 10_000, 'float64', 39, Number.POSITIVE_INFINITY);
    expect(up.every((x) => x > 39 && x < 39.5)).toBe(true);
    expect(Math.abs(mean(up) - (39 + 1 / 39))).toBeLessThan(0.002);
    const down = truncatedNormalValues(key(8), 10_000, 'float32', -40, -39);
    expect(down.every((x) => x > -40 && x < -39)).toBe(true);
    expect(Math.abs(mean(down) + 39 + 1 / 39)).toBeLessThan(0.002);
  });

  test.prop([
    seeds,
    fc.constantFrom(...dtypes),
    fc.oneof(fc.double({ min: -60, max: 60, noNaN: true }), fc.constant(Number.NEGATIVE_INFINITY)),
    fc.oneof(fc.double({ min: 1e-6, max: 120, noNaN: true }), fc.constant(Number.POSITIVE_INFINITY)),
  ])('is always finite and strictly inside (lower, upper)', (seed, dtype, lower, width) => {
    // Relative width ≥ 1e-6, so a float32 value always lies strictly inside; lower = −∞ pairs with
    // upper = width − 60 (or +∞).
    const upper = lower === Number.NEGATIVE_INFINITY ? width - 60 : lower + width * (1 + Math.abs(lower));
    const xs = truncatedNormalValues(key(seed), 50, dtype, lower, upper);
    expect(allFinite(xs)).toBe(true);
    expect(xs.every((x) => x > lower && x < upper)).toBe(true);
  });

  it('rejects an interval with no value of the dtype strictly inside', () => {
    expect(() => truncatedNormalValues(key(0), 3, 'float32', 1, 1 + 1e-9)).toThrow(
      /truncatedNormalValues: no float32 value lies in the interval/,
    );
  });
});

describe('bernoulliValues', () => {
  it('has frequency p and only 0/1 values', () => {
    const n = 100_000;
    for (const p of [0.3, 0.01]) {
      const xs = bernoulliValues(key(9), n, p);
      expect(xs.every((x) => x === 0 || x === 1)).toBe(true);
      expect(Math.abs(mean(xs) - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
    expect(bernoulliValues(key(9), 1000, 0).every((x) => x === 0)).toBe(true);
    expect(bernoulliValues(key(9), 1000, 1).every((x) => x === 1)).toBe(true);
  });
});

describe('randintValues', () => {
  it('hits every value of [lo, hi) equally often', () => {
    const n = 70_000;
    const xs = randintValues(key(10), n, -3, 4);
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - n / 7)).toBeLessThan(5 * Math.sqrt((n * 6) / 49));
  });

  it('covers the whole int32 range and degenerate spans', () => {
    const xs = randintValues(key(11), 10_000, -(2 ** 31), 2 ** 31);
    expect(Math.abs(mean(xs) + 0.5)).toBeLessThan((5 * 2 ** 32) / Math.sqrt(12 * 10_000));
    expect(xs.some((x) => x < -(2 ** 30)) && xs.some((x) => x > 2 ** 30)).toBe(true);
    expect(randintValues(key(11), 5, 7, 8).every((x) => x === 7)).toBe(true);
  });

  test.prop([fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 2 ** 32 })])(
    'uint64Mod is exact (checked against BigInt)',
    (hi, lo, m) => {
      expect(uint64Mod(hi, lo, m)).toBe(Number(((BigInt(hi) << 32n) + BigInt(lo)) % BigInt(m)));
    },
  );
});

describe('permutationValues', () => {
  test.prop([seeds, fc.integer({ min: 0, max: 60 })])('is a permutation of 0..n-1', (seed, n) => {
    const xs = Array.from(permutationValues(key(seed), n)).sort((a, b) => a - b);
    expect(xs).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('gives all 24 orders of 4 items about equally often over many keys', () => {
    const trials = 6000;
    const counts = new Map<string, number>();
    for (const k of split(key(12), trials)) {
      const order = permutationValues(k, 4).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const sd = Math.sqrt((trials * 23) / 24 / 24);
    for (const c of counts.values()) expect(Math.abs(c - trials / 24)).toBeLessThan(5 * sd);
  });

  it('puts each value at each position about equally often', () => {
    const [trials, n] = [5000, 7];
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let t = 0; t < trials; t++) {
      permutationValues(foldIn(key(13), t), n).forEach((v, pos) => {
        counts[pos]![v]!++;
      });
    }
    const sd = Math.sqrt((trials * (n - 1)) / n / n);
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(5 * sd);
  });
});

describe('argument validation', () => {
  const k = key(0);
  it.each([
    [() => randomBits({ kind: 'nope' } as unknown as Key, 3), /randomBits: k must be a Key/],
    [() => uniformValues(k, -1, 'float64'), /uniformValues: n must be a non-negative integer, got -1/],
    [() => uniformValues(k, 2.5, 'float32'), /uniformValues: n must be a non-negative integer/],
    [() => uniformValues(k, 3, 'float16' as 'float32'), /uniformValues: dtype must be 'float32' or 'float64'/],
    [() => uniformValues(k, 3, 'float64', 1, 1), /uniformValues: lo must be < hi/],
    [() => uniformValues(k, 3, 'float64', 0, Number.POSITIVE_INFINITY), /uniformValues: hi must be finite/],
    [() => normalValues(k, 3, 'float64', 0, -1), /normalValues: std must be ≥ 0/],
    [() => normalValues(k, 3, 'float64', Number.NaN), /normalValues: mean must be finite/],
    [() => truncatedNormalValues(k, 3, 'float64', 2, -2), /truncatedNormalValues: lower must be < upper/],
    [() => truncatedNormalValues(k, 3, 'float64', Number.NaN), /truncatedNormalValues: lower must be < upper/],
    [() => bernoulliValues(k, 3, 1.5), /bernoulliValues: p must be in \[0, 1\]/],
    [() => bernoulliValues(k, 3, Number.NaN), /bernoulliValues: p must be in \[0, 1\]/],
    [() => randintValues(k, 3, 0.5, 3), /randintValues: lo must be an integer/],
    [() => randintValues(k, 3, 0, 2 ** 31 + 1), /randintValues: hi must be an integer in \[-2\^31, 2\^31\]/],
    [() => randintValues(k, 3, 3, 3), /randintValues: lo must be < hi/],
    [() => permutationValues(k, -2), /permutationValues: n must be a non-negative integer/],
  ] as const)('throws a message naming the function and argument %#', (call, message) => {
    expect(call).toThrow(message);
  });

  it('returns empty arrays for n = 0', () => {
    expect(uniformValues(k, 0, 'float64').length).toBe(0);
    expect(permutationValues(k, 0).length).toBe(0);
    expect(randomBits(k, 0).length).toBe(0);
  });
});
