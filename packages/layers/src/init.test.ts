/** @file Initialisers: fans, bounds and standard deviations (sampled), PyTorch's defaults, per-layer selection. */
import { key, type Tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import {
  constant,
  conv2d,
  dense,
  fansOf,
  gainOf,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  initializers,
  lecunNormal,
  lecunUniform,
  normal,
  truncatedNormal,
  uniform,
} from './index.js';

const stats = (t: Tensor) => {
  const d = Array.from(t.data());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
};

// A dense weight [out = 100, in = 400]: fanIn 400, fanOut 100, 40 000 samples (std error of the std ≈ 0.35%)
const shape = [100, 400];
const fans = { fanIn: 400, fanOut: 100, dtype: 'float64' } as const;
const sample = (init: typeof initializers.zeros) => stats(init(key(3), shape, fans));

describe('initialisers', () => {
  it('fans follow torch.nn.init: [out, in, ...receptive]', () => {
    expect(fansOf([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
    expect(fansOf([10, 84])).toEqual({ fanIn: 84, fanOut: 10 });
    expect(gainOf('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(gainOf({ leakyRelu: Math.sqrt(5) })).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(gainOf('tanh')).toBeCloseTo(5 / 3, 15);
  });

  it.each([
    ['heNormal fan_in', heNormal(), Math.sqrt(2 / 400)],
    ['heNormal fan_out', heNormal({ mode: 'fan_out' }), Math.sqrt(2 / 100)],
    ['heUniform', heUniform(), Math.sqrt(2 / 400)],
    ['glorotNormal', glorotNormal(), Math.sqrt(2 / 500)],
    ['glorotUniform', glorotUniform(), Math.sqrt(2 / 500)],
    ['lecunNormal', lecunNormal(), Math.sqrt(1 / 400)],
    ['lecunUniform', lecunUniform(), Math.sqrt(1 / 400)],
    ['normal', normal({ mean: 0, std: 0.01 }), 0.01],
  ])('%s has the documented standard deviation', (_n, init, std) => {
    const s = sample(init);
    expect(Math.abs(s.std / std - 1)).toBeLessThan(0.02);
    expect(Math.abs(s.mean)).toBeLessThan(0.05 * std);
  });

  it('uniform initialisers stay inside their bounds', () => {
    const he = sample(heUniform());
    expect(Math.max(-he.min, he.max)).toBeLessThanOrEqual(Math.sqrt(6 / 400));
    expect(Math.max(-he.min, he.max)).toBeGreaterThan(0.99 * Math.sqrt(6 / 400));
    const gl = sample(glorotUniform());
    expect(Math.max(-gl.min, gl.max)).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    const u = sample(uniform({ low: 2, high: 3 }));
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThan(3);
  });

  it('truncatedNormal respects absolute bounds [a, b]', () => {
    const s = sample(truncatedNormal({ mean: 1, std: 0.5, a: 0.5, b: 2 }));
    expect(s.min).toBeGreaterThanOrEqual(0.5);
    expect(s.max).toBeLessThanOrEqual(2);
  });

  it("layers default to PyTorch's U(±1/√fanIn) for weight and bias", () => {
    const conv = conv2d({ out: 64, kernel: 3 }).init(key(1), [16, 5, 5], { dtype: 'float64' }).params;
    const bound = 1 / Math.sqrt(16 * 9);
    for (const t of [conv.weight, conv.bias!]) {
      const s = stats(t);
      expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(bound);
    }
    expect(stats(conv.weight).max).toBeGreaterThan(0.98 * bound);
    expect(Math.abs(stats(conv.weight).std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.03);
    const fc = dense(10).init(key(1), [2500]).params;
    expect(fc.weight.dtype).toBe('float32');
    expect(stats(fc.bias!).max).toBeLessThanOrEqual(1 / 50);
  });

  it('initialisers are selected per layer', () => {
    const layer = conv2d({ out: 128, kernel: 3, init: { weight: heNormal({ mode: 'fan_out' }), bias: constant(0.5) } });
    const { params } = layer.init(key(1), [32, 4, 4], { dtype: 'float64' });
    expect(Math.abs(stats(params.weight).std / Math.sqrt(2 / (128 * 9)) - 1)).toBeLessThan(0.02);
    expect(new Set(params.bias!.data())).toEqual(new Set([0.5]));
    expect(params.weight.dtype).toBe('float64');
    expect(
      Array.from(
        dense(3, { init: { bias: initializers.zeros } })
          .init(key(0), [2])
          .params.bias!.data(),
      ),
    ).toEqual([0, 0, 0]);
  });
});
