/**
 * @file convTranspose2d, upsample and adaptiveMaxPool2d: first and second derivatives against central
 * differences in float64 (they are composites, so the registry-walking suite does not see them), the
 * output-size formula, and the argument errors. Values and gradients against PyTorch are in
 * packages/layers/test/torch/ops.torch.test.ts.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { key, normal } from '../random/index.js';
import { type Tensor, tensor } from '../tensor.js';
import { checkGrads } from '../testing/check-grads.js';
import { adaptiveMaxPool2d, convTranspose2d, upsample } from './resize.js';

const randn = (seed: number, shape: readonly number[]): Tensor => normal(key(seed), shape, 0, 1, { dtype: 'float64' });
/** Distinct values (no ties, so max pooling is differentiable around them). */
const distinct = (seed: number, shape: readonly number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = Array.from(randn(seed, [n]).data())
    .map((v, i) => [v, i] as const)
    .sort((a, b) => a[0] - b[0]);
  const out = new Float64Array(n);
  perm.forEach(([, i], rank) => {
    out[i] = rank / 4;
  });
  return tensor(out, { shape, dtype: 'float64' });
};

const convT = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  g: fc.integer({ min: 1, max: 2 }),
  cin: fc.integer({ min: 1, max: 2 }),
  cout: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 3 }),
  w: fc.integer({ min: 1, max: 3 }),
  k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  seed: fc.nat(1000),
});

describe('convTranspose2d', () => {
  test.prop([convT], { numRuns: 12 })('first and second derivatives in x, w and bias', (r) => {
    const op: [number, number] = [r.s[0] - 1, r.s[1] - 1];
    const x = randn(r.seed, [r.n, r.cin * r.g, r.h, r.w]);
    const w = randn(r.seed + 1, [r.cin * r.g, r.cout, r.k[0], r.k[1]]);
    const b = randn(r.seed + 2, [r.cout * r.g]);
    const f = (a: Tensor, v: Tensor, c: Tensor) =>
      convTranspose2d(a, v, { bias: c, stride: r.s, dilation: r.d, groups: r.g, outputPadding: op });
    const y = f(x, w, b);
    expect(y.shape).toEqual([
      r.n,
      r.cout * r.g,
      (r.h - 1) * r.s[0] + r.d[0] * (r.k[0] - 1) + op[0] + 1,
      (r.w - 1) * r.s[1] + r.d[1] * (r.k[1] - 1) + op[1] + 1,
    ]);
    checkGrads(f, [x, w, b], { order: 2, seed: r.seed });
  });

  it('names the argument at fault', () => {
    const x = randn(0, [1, 2, 3, 3]);
    expect(() => convTranspose2d(x, randn(1, [3, 1, 2, 2]))).toThrow(
      /^convTranspose2d: w .*dim 0 must be x's 2 input channels/,
    );
    expect(() => convTranspose2d(x, randn(1, [2, 1, 2, 2]), { stride: 2, outputPadding: 2 })).toThrow(
      /^convTranspose2d: outputPadding 2x2 must be below the stride 2x2/,
    );
    expect(() => convTranspose2d(x, randn(1, [2, 1, 2, 2]), { groups: 3 })).toThrow(
      /^convTranspose2d: groups 3 must divide/,
    );
    expect(() => convTranspose2d(x, randn(1, [2, 1, 1, 1]), { padding: 2 })).toThrow(
      /^convTranspose2d: padding .*leaves an output/,
    );
  });
});

describe('upsample', () => {
  const modes = [
    { size: [5, 4] as const, mode: 'nearest' as const },
    { scaleFactor: 2, mode: 'nearest' as const },
    { size: [5, 7] as const, mode: 'bilinear' as const },
    { size: [2, 3] as const, mode: 'bilinear' as const, alignCorners: true },
    { scaleFactor: [2, 1.5] as const, mode: 'bilinear' as const },
  ];
  it.each(modes.map((m) => [JSON.stringify(m), m] as const))('%s: first and second derivatives', (_, m) => {
    checkGrads((x: Tensor) => upsample(x, m), [randn(3, [2, 2, 3, 4])], { order: 2 });
  });

  it('nearest ×2 repeats each pixel; bilinear with aligned corners keeps the corners', () => {
    const x = tensor(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ],
      { dtype: 'float64' },
    );
    expect(upsample(x, { scaleFactor: 2 }).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
    expect(upsample(x, { size: 3, mode: 'bilinear', alignCorners: true }).toArray()).toEqual([
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ]);
  });

  it('names the argument at fault', () => {
    const x = randn(0, [1, 1, 2, 2]);
    expect(() => upsample(x, { size: 3, scaleFactor: 2 })).toThrow(
      /^upsample: opts must give exactly one of size and scaleFactor/,
    );
    expect(() => upsample(x, { size: 3, alignCorners: true })).toThrow(
      /^upsample: alignCorners applies to mode 'bilinear' only/,
    );
    expect(() => upsample(x, { size: 3, mode: 'bicubic' as 'nearest' })).toThrow(/^upsample: mode /);
    expect(() => upsample(randn(0, [2, 2]), { size: 3 })).toThrow(
      /^upsample: x has shape \[2, 2\]; expected \[N, C, H, W\]/,
    );
  });
});

describe('adaptiveMaxPool2d', () => {
  it.each([
    [
      [5, 7],
      [2, 3],
    ],
    [
      [4, 5],
      [3, 4],
    ],
    [
      [6, 6],
      [3, 3],
    ],
    [
      [3, 3],
      [1, 1],
    ],
  ] as const)('%j → %j: PyTorch bins, first and second derivatives', (hw, out) => {
    const x = distinct(5, [2, 2, hw[0], hw[1]]);
    const y = adaptiveMaxPool2d(x, out);
    expect(y.shape).toEqual([2, 2, out[0], out[1]]);
    // cell (i, j) is the max of its bin
    const xs = x.toArray() as number[][][][];
    const ys = y.toArray() as number[][][][];
    for (let i = 0; i < out[0]; i++)
      for (let j = 0; j < out[1]; j++) {
        const rows = xs[1]![1]!.slice(Math.floor((i * hw[0]) / out[0]), Math.ceil(((i + 1) * hw[0]) / out[0]));
        const bin = rows.flatMap((r) =>
          r.slice(Math.floor((j * hw[1]) / out[1]), Math.ceil(((j + 1) * hw[1]) / out[1])),
        );
        expect(ys[1]![1]![i]![j]).toBe(Math.max(...bin));
      }
    checkGrads((t: Tensor) => adaptiveMaxPool2d(t, out), [x], { order: 2 });
  });

  it('a tie sends the whole gradient to the first maximum in row-major order', async () => {
    const { grad } = await import('../grad.js');
    const { sum } = await import('./reduce.js');
    const x = tensor(
      [
        [
          [
            [1, 3, 3],
            [3, 0, 2],
          ],
        ],
      ],
      { dtype: 'float64' },
    );
    const g = grad((t: Tensor) => sum(adaptiveMaxPool2d(t, [1, 2])))(x);
    // bins: columns 0-1 and 1-2 (overlapping); both take the 3 at (0, 1)
    expect(g.toArray()).toEqual([
      [
        [
          [0, 2, 0],
          [0, 0, 0],
        ],
      ],
    ]);
  });
});
