/**
 * @file The F functions this package adds beyond PyTorch-comparison (test/torch/ops.torch.test.ts):
 * second derivatives of every new activation and normalisation against central differences in float64,
 * gelu's negative tail to its condition number (the old erf fit was 36% off at −5.4), and dropout2d dropping
 * whole channels.
 */
import { key, random, type Tensor, tensor } from '@tapenet/autodiff';
import { checkGrads } from '@tapenet/autodiff/testing';
import { describe, expect, it } from 'vitest';
import { dropout2d, F } from './index.js';

const randn = (seed: number, shape: readonly number[]): Tensor =>
  random.normal(key(seed), shape, 0, 1, { dtype: 'float64' });
/** Values at least 0.05 from every kink the activations have (0, −0.5, 0.7). */
const smooth = (seed: number): Tensor =>
  tensor(
    Array.from(randn(seed, [12]).data(), (v) => 3 * v).map((v) =>
      [0, -0.5, 0.7].some((k) => Math.abs(v - k) < 0.05) ? v + 0.1 : v,
    ),
    { dtype: 'float64' },
  );

describe('second derivatives (central differences, float64)', () => {
  const acts: [string, (x: Tensor) => Tensor][] = [
    ['erf via gelu', F.gelu],
    ['geluTanh', F.geluTanh],
    ['elu', (x) => F.elu(x, 1.5)],
    ['selu', F.selu],
    ['silu', F.silu],
    ['mish', F.mish],
    ['softplus β 2', (x) => F.softplus(x, { beta: 2 })],
    ['leakyRelu', (x) => F.leakyRelu(x, 0.2)],
    ['hardtanh', (x) => F.hardtanh(x, -0.5, 0.7)],
  ];
  it.each(acts)('%s', (_, f) => {
    checkGrads(f, [smooth(1)], { order: 2 });
  });

  it('layerNorm, groupNorm, instanceNorm with their affine parameters', () => {
    const x = randn(2, [2, 4, 3, 2]);
    checkGrads((a, w, b) => F.layerNorm(a, [3, 2], { weight: w, bias: b }), [x, randn(3, [3, 2]), randn(4, [3, 2])], {
      order: 2,
    });
    checkGrads((a, w, b) => F.groupNorm(a, 2, { weight: w, bias: b }), [x, randn(5, [4]), randn(6, [4])], { order: 2 });
    checkGrads((a, w, b) => F.instanceNorm(a, { weight: w, bias: b }), [x, randn(7, [4]), randn(8, [4])], { order: 2 });
  });

  it('embedding (the gradient scatters into the rows used)', () => {
    const idx = tensor([[0, 2, 2]], { dtype: 'int32' });
    checkGrads((w) => F.embedding(idx, w), [randn(9, [3, 2])], { order: 2 });
  });
});

describe('gelu', () => {
  // erfc(z) near z = |x|/√2 has condition number 2z² ≈ x², so rounding x/√2 once (an ulp, differently
  // in Python's division than in tapenet's multiply) moves the result by up to x²·2⁻⁵³ relative: the
  // bound allows that twice plus a few ulps; the old fit missed by 36% at −5.4.
  it('keeps its digits in the negative tail (values from Python: 0.5·x·math.erfc(−x/√2))', () => {
    const xs = [-5.4, -10, -20, -37];
    const want = [-1.7993042182131432e-7, -7.619853024160593e-23, -5.507248237212663e-88, -2.1184613523343014e-298];
    const got = F.gelu(tensor(xs, { dtype: 'float64' })).data();
    want.forEach((w, i) => {
      const bound = 2 * xs[i]! ** 2 * 2 ** -53 + 1e-15;
      expect(Math.abs(got[i]! - w) / Math.abs(w), `gelu(${xs[i]})`).toBeLessThanOrEqual(bound);
    });
  });
});

describe('dropout2d', () => {
  it('zeroes whole channels, scales the rest by 1/(1 − p), and is the identity in evaluation', () => {
    const x = random.uniform(key(1), [4, 8, 3, 3], 1, 2, { dtype: 'float64' });
    const layer = dropout2d(0.5);
    const y = layer.apply({}, {}, x, { train: true, key: key(2) }).y;
    const xs = x.data();
    const ys = y.data();
    let dropped = 0;
    for (let ch = 0; ch < 32; ch++) {
      const ratios = Array.from({ length: 9 }, (_, i) => ys[ch * 9 + i]! / xs[ch * 9 + i]!);
      expect(new Set(ratios).size, `channel ${ch} is dropped or kept as a whole`).toBe(1);
      expect([0, 2]).toContain(ratios[0]);
      if (ratios[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(4);
    expect(dropped).toBeLessThan(28);
    expect(layer.apply({}, {}, x, { train: false }).y).toBe(x);
    expect(() => layer.apply({}, {}, x, { train: true })).toThrow(/dropout2d\(0.5\): training mode needs a PRNG key/);
  });
});
