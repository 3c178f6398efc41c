/** @file Pooling and local response normalisation against worked examples and naive loops. */
import { fc, test } from '@fast-check/vitest';
import { key, random, type Tensor, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { rounded } from '../test/support.js';
import { adaptiveAvgPool2d, avgPool2d, globalAvgPool, localResponseNorm, maxPool2d } from './index.js';

const f64 = (shape: readonly number[], seed: number): Tensor =>
  random.normal(key(seed), shape, 0, 1, { dtype: 'float64' });
const at4 = (t: Float64Array, s: readonly number[], a: number, b: number, c: number, d: number): number =>
  t[((a * s[1]! + b) * s[2]! + c) * s[3]! + d]!;

function expectClose(actual: Tensor, expected: ArrayLike<number>, tol = 1e-12): void {
  const a = actual.data();
  expect(a.length).toBe(expected.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - expected[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]!)));
}

describe('pooling', () => {
  const x = tensor(
    [
      [
        [
          [1, 2, 3, 4, 5],
          [6, 7, 8, 9, 10],
          [11, 12, 13, 14, 15],
          [16, 17, 18, 19, 20],
        ],
      ],
    ],
    { dtype: 'float64' },
  );
  const run = (l: ReturnType<typeof maxPool2d>, input: Tensor = x) => l.apply({}, {}, input, { train: false }).y;

  it('maxPool2d drops the remainder (floor mode) and pads with −∞', () => {
    expect(run(maxPool2d(2)).toArray()).toEqual([
      [
        [
          [7, 9],
          [17, 19],
        ],
      ],
    ]);
    expect(run(maxPool2d(3, { stride: 2, padding: 1 })).toArray()).toEqual([
      [
        [
          [7, 9, 10],
          [17, 19, 20],
        ],
      ],
    ]);
    expect(
      run(
        maxPool2d(2),
        tensor(
          [
            [
              [
                [-1, -2],
                [-3, -4],
              ],
            ],
          ],
          { dtype: 'float64' },
        ),
      ).toArray(),
    ).toEqual([[[[-1]]]]);
    const negative = tensor([-1, -2, -3, -4], { dtype: 'float64', shape: [1, 1, 2, 2] });
    expect(Array.from(run(maxPool2d(2, { stride: 1, padding: 1 }), negative).data())).toEqual([
      -1, -1, -2, -1, -1, -2, -3, -3, -4,
    ]);
  });

  it('avgPool2d counts padding in the divisor unless countIncludePad is false', () => {
    const ones = tensor(
      [
        [
          [
            [1, 1],
            [1, 1],
          ],
        ],
      ],
      { dtype: 'float64' },
    );
    expect(run(avgPool2d(2, { stride: 1, padding: 1 }), ones).toArray()).toEqual([
      [
        [
          [0.25, 0.5, 0.25],
          [0.5, 1, 0.5],
          [0.25, 0.5, 0.25],
        ],
      ],
    ]);
    expect(run(avgPool2d(2, { stride: 1, padding: 1, countIncludePad: false }), ones).toArray()).toEqual([
      [
        [
          [1, 1, 1],
          [1, 1, 1],
          [1, 1, 1],
        ],
      ],
    ]);
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
    ],
    { numRuns: 30 },
  )('adaptiveAvgPool2d averages PyTorch bins ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉', (h, w, oh, ow) => {
    const input = f64([1, 2, h, w], h * 10 + w);
    const y = run(adaptiveAvgPool2d([oh, ow]), input);
    const d = input.data() as Float64Array;
    const expected: number[] = [];
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const [r0, r1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)];
          const [s0, s1] = [Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)];
          let acc = 0;
          for (let r = r0; r < r1; r++) for (let s = s0; s < s1; s++) acc += at4(d, input.shape, 0, c, r, s);
          expected.push(acc / ((r1 - r0) * (s1 - s0)));
        }
    expect(y.shape).toEqual([1, 2, oh, ow]);
    expectClose(y, expected);
  });

  it('adaptiveAvgPool2d with overlapping bins (5 → 3)', () => {
    const row = tensor([[[[1, 2, 3, 4, 5]]]], { dtype: 'float64' });
    // bins [0, 2), [1, 4), [3, 5)
    expect(rounded(run(adaptiveAvgPool2d([1, 3]), row))).toEqual([[[[1.5, 3, 4.5]]]]);
  });

  it('globalAvgPool gives [N, C]', () => {
    expect(run(globalAvgPool, x).toArray()).toEqual([[10.5]]);
  });
});

describe('localResponseNorm', () => {
  it('follows PyTorch: x_c / (k + α/size · Σ_window x²)^β with window [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋]', () => {
    const v = [1, 2, 3, 4];
    const x = tensor([v.map((a) => [[a]])], { dtype: 'float64' }); // [1, 4, 1, 1]
    const [size, alpha, beta, k] = [2, 0.5, 0.75, 2];
    const y = localResponseNorm(size, { alpha, beta, k }).apply({}, {}, x, { train: false }).y;
    // size 2: window [c − 1, c]
    const expected = v.map((a, c) => a / (k + (alpha / size) * ((v[c - 1] ?? 0) ** 2 + a ** 2)) ** beta);
    expectClose(y, expected);
  });
});
