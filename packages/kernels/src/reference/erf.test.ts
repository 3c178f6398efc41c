/**
 * @file erf and erfc against Python's `math.erf` / `math.erfc` (which are accurate to about an ulp): the
 * values below were printed by `/usr/bin/python3` for the arguments below, via
 * `for x in xs: print([x, math.erf(x), math.erfc(x)])`. They cover 0, subnormal and tiny arguments, both
 * sides of each of Cody's interval boundaries (0.46875, 4), the tails (erfc(5.4), erfc(10), erfc(26),
 * subnormal results near 27) and 24 random points in [−6, 6]. The tapenet side is checked in ulps.
 */
import { describe, expect, it } from 'vitest';
import { erf, erfc } from './erf.js';
import { unary } from './elementwise.js';
import { tensorOf } from './tensor.js';

/** [x, erf(x), erfc(x)] from Python. */
const PYTHON: readonly (readonly [number, number, number])[] = [
  [0.0, 0.0, 1.0],
  [1e-300, 1.1283791670955126e-300, 1.0],
  [5e-324, 5e-324, 1.0],
  [1e-20, 1.1283791670955125e-20, 1.0],
  [1e-8, 1.1283791670955126e-8, 0.9999999887162083],
  [-3e-5, -3.385137500270997e-5, 1.0000338513750027],
  [0.1, 0.1124629160182849, 0.8875370839817152],
  [-0.3, -0.3286267594591274, 1.3286267594591274],
  [0.46875, 0.49261347321793797, 0.507386526782062],
  [-0.46875, -0.49261347321793797, 1.492613473217938],
  [0.46876, 0.4926225311068465, 0.5073774688931535],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [-1.5, -0.9661051464753108, 1.9661051464753108],
  [2.0, 0.9953222650189527, 0.004677734981047265],
  [3.0, 0.9999779095030014, 2.2090496998585438e-5],
  [-3.5, -0.9999992569016276, 1.9999992569016276],
  [3.999, 0.9999999844552505, 1.554474949099499e-8],
  [4.0, 0.9999999845827421, 1.541725790028002e-8],
  [4.001, 0.9999999847092178, 1.5290782173248732e-8],
  [5.0, 0.9999999999984626, 1.5374597944280351e-12],
  [5.4, 0.9999999999999777, 2.2276786794677863e-14],
  [-3.8183766184073566, -0.999999933359103, 1.999999933359103],
  [6.0, 1.0, 2.1519736712498916e-17],
  [8.0, 1.0, 1.1224297172982928e-29],
  [10.0, 1.0, 2.088487583762545e-45],
  [15.0, 1.0, 7.212994172451206e-100],
  [20.0, 1.0, 5.3958656116079005e-176],
  [25.0, 1.0, 8.300172571196522e-274],
  [26.0, 1.0, 5.663192408856143e-296],
  [26.5, 1.0, 2.2109076642637343e-307],
  [27.0, 1.0, 5.23705e-319],
  [27.3, 1.0, 0.0],
  [30.0, 1.0, 0.0],
  [-10.0, -1.0, 2.0],
  [-26.0, -1.0, 2.0],
  [-2.114007, -0.9972070946273841, 1.997207094627384],
  [-4.18981, -0.9999999968824591, 1.999999996882459],
  [1.811214, 0.9895761776312533, 0.010423822368746704],
  [-5.130765, -0.9999999999996013, 1.9999999999996012],
  [0.430584, 0.45743428737815656, 0.5425657126218435],
  [-1.611733, -0.9773528212641407, 1.9773528212641407],
  [-5.304013, -0.9999999999999367, 1.9999999999999367],
  [0.089229, 0.10041757224203961, 0.8995824277579604],
  [-5.550052, -0.9999999999999958, 1.9999999999999958],
  [-0.796252, -0.7398642686318054, 1.7398642686318055],
  [-5.161735, -0.9999999999997118, 1.9999999999997118],
  [-4.911444, -0.9999999999962376, 1.9999999999962377],
  [-0.90577, -0.799789550348833, 1.799789550348833],
  [3.922225, 0.9999999709160864, 2.9083913641224746e-8],
  [-4.514376, -0.9999999998278075, 1.9999999998278075],
  [-3.321132, -0.9999973571797667, 1.9999973571797667],
  [1.529199, 0.9694291167693672, 0.03057088323063289],
  [5.372507, 0.9999999999999699, 3.010392537727822e-14],
  [0.925235, 0.809289407319393, 0.19071059268060694],
  [-1.239834, -0.9204649235967419, 1.920464923596742],
  [5.715061, 0.9999999999999993, 6.354777373184534e-16],
  [-5.441008, -0.9999999999999858, 1.9999999999999858],
  [4.301622, 0.9999999988234862, 1.1765137773578476e-9],
  [-2.524689, -0.9996436307400826, 1.9996436307400827],
];

/**
 * Allowed distances in ulps of the Python value: Cody's approximations are good to a relative 1e-16 or so
 * before the final operations round (measured over 27,000 points: erf 3 ulps, erfc 6 ulps); erfc is
 * `e^{−x²}·R(x)`, two exponentials and a quotient, each rounding once.
 */
const ULPS = { erf: 3, erfc: 6 } as const;
/** Results below the smallest normal double have absolute spacing 2⁻¹⁰⁷⁴; the tail keeps a few of them. */
const SUBNORMAL_ABS = 8 * 2 ** -1074;

const ulpOf = (v: number): number => {
  const a = Math.abs(v);
  if (a < 2 ** -1022) return 2 ** -1074;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
};

function distance(got: number, want: number): number {
  if (got === want) return 0;
  if (Math.abs(want) < 2 ** -1022) return Math.abs(got - want) <= SUBNORMAL_ABS ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(got - want) / ulpOf(want);
}

describe('erf / erfc in float64', () => {
  it.each(PYTHON)('x = %s', (x, wantErf, wantErfc) => {
    expect(distance(erf(x), wantErf), `erf(${x}) = ${erf(x)}, Python ${wantErf}`).toBeLessThanOrEqual(ULPS.erf);
    expect(distance(erfc(x), wantErfc), `erfc(${x}) = ${erfc(x)}, Python ${wantErfc}`).toBeLessThanOrEqual(ULPS.erfc);
  });

  it('is odd / reflects exactly, saturates, and keeps NaN', () => {
    for (const [x] of PYTHON) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erfc(-x) + erfc(x)).toBeCloseTo(2, 15);
    }
    expect([erf(Number.POSITIVE_INFINITY), erf(Number.NEGATIVE_INFINITY)]).toEqual([1, -1]);
    expect([erfc(Number.POSITIVE_INFINITY), erfc(Number.NEGATIVE_INFINITY)]).toEqual([0, 2]);
    expect([erf(Number.NaN), erfc(Number.NaN)]).toEqual([Number.NaN, Number.NaN]);
  });

  it('the old fit gave erfc(0) = 1 + 3e-8; this one gives 1 and erfc(3.818) to 6 ulps (gelu at −5.4)', () => {
    expect(erfc(0)).toBe(1);
    expect(erf(0)).toBe(0);
  });
});

describe('the unary kernel', () => {
  it('float32 results are the float64 values rounded once (within one float32 ulp of Python)', () => {
    const xs = PYTHON.map(([x]) => x);
    for (const op of ['erf', 'erfc'] as const) {
      const got = unary(op, tensorOf(Float32Array.from(xs), [xs.length], 'float32')).data;
      PYTHON.forEach(([x, e, c], i) => {
        const want = Math.fround(op === 'erf' ? e : c);
        const xf = Math.fround(x);
        // x itself rounds to float32 first: compare with the float64 function at the rounded x.
        const at = Math.fround(op === 'erf' ? erf(xf) : erfc(xf));
        expect(got[i], `${op}(${x}) in float32`).toBe(at);
        if (xf === x)
          expect(Math.abs(got[i]! - want) <= Math.abs(want) * 2 ** -23 + 2 ** -149, `${op}(${x})`).toBe(true);
      });
    }
  });
});
