/** @file erfc, Φ, log Φ and Φ⁻¹ against high-precision reference values and each other. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { erfc, logNormalCdf, normalCdf, normalPdf, normalQuantile, normalQuantileFromLog } from './special.js';

const relErr = (got: number, want: number): number =>
  want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);

// Reference values computed with mpmath 1.3 at 50 significant digits (mpmath.erfc, mpmath.ncdf,
// and Φ⁻¹ by Newton iteration on mpmath.ncdf), rounded to the nearest double.
const ERFC: readonly (readonly [number, number])[] = [
  [-3, 1.9999779095030015],
  [-0.5, 1.5204998778130465],
  [0, 1],
  [1e-8, 0.9999999887162083],
  [0.9, 0.20309178757716786],
  [1.4999, 0.03390674833770473],
  [1.5, 0.033894853524689274],
  [2, 0.004677734981047266],
  [3, 2.209049699858544e-5],
  [5, 1.537459794428035e-12],
  [10, 2.088487583762545e-45],
  [26, 5.663192408856143e-296],
];
const CDF: readonly (readonly [number, number])[] = [
  [-37.5, 4.605353009581955e-308],
  [-30, 4.906713927148187e-198],
  [-10, 7.619853024160525e-24],
  [-5, 2.866515718791939e-7],
  [-2.2, 0.013903447513498604],
  [-2.1, 0.017864420562816553],
  [-1, 0.15865525393145705],
  [0, 0.5],
  [1, 0.8413447460685429],
  [3, 0.9986501019683699],
  [8, 0.9999999999999993],
];
const LOG_CDF: readonly (readonly [number, number])[] = [
  [-1000, -500007.82669481216],
  [-100, -5005.524208694205],
  [-38, -726.5572160188201],
  [-3, -6.607726221510349],
  [-1, -1.8410216450092636],
  [0.5, -0.3689464152886564],
  [5, -2.866516129637636e-7],
];
const QUANTILE: readonly (readonly [number, number])[] = [
  [1e-310, -37.663060331949524],
  [1e-50, -14.933337534788489],
  [1e-10, -6.361340902404057],
  [0.001, -3.0902323061678136],
  [0.02425, -1.972961051311885],
  [0.0243, -1.9720841590292886],
  [0.3, -0.5244005127080408],
  [0.5, 0],
  [0.975, 1.9599639845400538],
  [0.999999, 4.753424308817087],
];

describe('normal special functions', () => {
  it.each(ERFC)('erfc(%s) to 1e-14 relative', (z, want) => expect(relErr(erfc(z), want)).toBeLessThan(1e-14));
  it.each(CDF)('Φ(%s) to 1e-14 relative', (x, want) => expect(relErr(normalCdf(x), want)).toBeLessThan(1e-14));
  it.each(LOG_CDF)('log Φ(%s) to 1e-14 relative', (x, want) => {
    expect(relErr(logNormalCdf(x), want)).toBeLessThan(1e-14);
  });
  it.each(QUANTILE)('Φ⁻¹(%s) to 1e-14 relative', (p, want) => {
    expect(relErr(normalQuantile(p), want)).toBeLessThan(1e-14);
  });

  it('inverts log-probabilities far beyond the double range', () => {
    // Φ⁻¹(e^L) from the same mpmath Newton iteration.
    expect(relErr(normalQuantileFromLog(-1000), -44.6157477319694)).toBeLessThan(1e-14);
    expect(relErr(normalQuantileFromLog(-1e6), -1414.2077829910174)).toBeLessThan(1e-14);
    expect(relErr(normalQuantileFromLog(Math.log(0.3)), -0.5244005127080408)).toBeLessThan(1e-14);
    expect(relErr(normalQuantileFromLog(Math.log(0.975)), 1.9599639845400538)).toBeLessThan(1e-12);
  });

  test.prop([fc.double({ min: 1e-300, max: 1, noNaN: true, maxExcluded: true })])('Φ(Φ⁻¹(p)) = p', (p) => {
    const x = normalQuantile(p);
    expect(Number.isFinite(x)).toBe(true);
    // Compare in the smaller tail (1 − p is exact for p ≥ 1/2). One ulp of x moves log Φ by about
    // |x|·ulp(x), so the attainable relative accuracy degrades like x².
    const q = p <= 0.5 ? p : 1 - p;
    expect(relErr(normalCdf(p <= 0.5 ? x : -x), q)).toBeLessThan(2e-14 * (1 + x * x));
  });

  test.prop([fc.double({ min: -37, max: 37, noNaN: true })])('Φ(x) + Φ(−x) = 1 and the slope of Φ is φ', (x) => {
    expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(4e-16);
    const h = 1e-5;
    const slope = (normalCdf(x + h) - normalCdf(x - h)) / (2 * h);
    expect(Math.abs(slope - normalPdf(x))).toBeLessThan(1e-9);
  });

  test.prop([fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'Φ⁻¹ is increasing across all its branches',
    (p1, p2) => {
      fc.pre(p1 < p2);
      expect(normalQuantile(p1)).toBeLessThan(normalQuantile(p2));
    },
  );

  it('handles the edges without NaN', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(Number.MIN_VALUE)).toBeLessThan(-38);
    expect(normalQuantileFromLog(0)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantileFromLog(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(-1e200)).toBe(0);
    expect(logNormalCdf(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(logNormalCdf(Number.POSITIVE_INFINITY) === 0).toBe(true);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(normalPdf(1e300)).toBe(0);
  });
});
