/**
 * @file adam, adamw and scaleByAdam against torch.optim.Adam / AdamW, worked by hand. Two steps from
 * p₀ = [1, -1] with lr = 0.1, β = (0.9, 0.999), ε = 1e-8 and gradients g₁ = [1, -2], g₂ = [0.5, 1].
 */
import { describe, expect, it } from 'vitest';
import { expectClose, f64, run } from '../test/helpers.js';
import { scaleByAdam } from './adam.js';
import { adam, adamw } from './aliases.js';

const p0 = [1, -1];
const gs = [
  [1, -2],
  [0.5, 1],
];
const eps = 1e-8;

// Step 1 (t = 1): m = 0.1·g₁ = [0.1, -0.2]; v = 0.001·g₁² = [0.001, 0.004]; 1 - β₁ = 0.1, 1 - β₂ = 0.001,
// so m̂ = g₁ and √v̂ = |g₁|: the step is lr·sign(g₁) up to ε: u₁ = [1/(1 + ε), -2/(2 + ε)].
const u1 = [1 / (1 + eps), -2 / (2 + eps)];
// Step 2 (t = 2): m = 0.9·[0.1, -0.2] + 0.1·[0.5, 1] = [0.14, -0.08];
// v = 0.999·[0.001, 0.004] + 0.001·[0.25, 1] = [0.001249, 0.004996];
// 1 - β₁² = 0.19, 1 - β₂² = 0.001999; u₂ = (m/0.19) / (√(v/0.001999) + ε)
//   ≈ [0.736842 / 0.790451, -0.421053 / 1.580901] ≈ [0.932180, -0.266337].
const u2 = [
  0.14 / 0.19 / (Math.sqrt(0.001249 / 0.001999) + eps),
  -0.08 / 0.19 / (Math.sqrt(0.004996 / 0.001999) + eps),
];

describe('adam', () => {
  it('two steps with bias correction', () => {
    // p₁ = p₀ - 0.1·u₁ ≈ [0.9, -0.9]; p₂ = p₁ - 0.1·u₂ ≈ [0.806782, -0.873366]
    const [p1, p2] = run(adam({ lr: 0.1 }), p0, gs);
    const e1 = p0.map((p, i) => p - 0.1 * u1[i]!);
    expectClose(p1!, e1);
    expectClose(
      p2!,
      e1.map((p, i) => p - 0.1 * u2[i]!),
    );
    expectClose(p2!, [0.8067820382981611, -0.8733662967024315], 1e-9);
  });

  it('weight decay is an L2 term added to the gradient (so it is normalised away on step 1)', () => {
    // wd = 0.1: g₁' = [1 + 0.1, -2 - 0.1] = [1.1, -2.1]; the first step is again ±lr up to ε:
    // p₁ = [1 - 0.1·1.1/(1.1 + ε), -1 + 0.1·2.1/(2.1 + ε)] ≈ [0.9, -0.9]
    const [p1, p2] = run(adam({ lr: 0.1, weightDecay: 0.1 }), p0, gs);
    expectClose(p1!, [1 - (0.1 * 1.1) / (1.1 + eps), -1 + (0.1 * 2.1) / (2.1 + eps)]);
    // step 2: g₂' = [0.5 + 0.1·p₁[0], 1 + 0.1·p₁[1]]; m = 0.9·0.1·g₁' + 0.1·g₂'; v = 0.999·0.001·g₁'² + 0.001·g₂'²
    const g1 = [1.1, -2.1];
    const expected = p1!.map((p, i) => {
      const g2 = gs[1]![i]! + 0.1 * p;
      const m = 0.09 * g1[i]! + 0.1 * g2;
      const v = 0.000999 * g1[i]! ** 2 + 0.001 * g2 ** 2;
      return p - (0.1 * (m / 0.19)) / (Math.sqrt(v / 0.001999) + eps);
    });
    expectClose(p2!, expected);
    expectClose(p2!, [0.8057717968921709, -0.8681231891743804], 1e-9);
  });

  it('amsgrad divides by the running maximum of v', () => {
    // g = [1], then [0]: step 2 has m = 0.09, v = 0.999·0.001 = 0.000999 < v₁ = 0.001.
    // Adam:    p₂ = p₁ - 0.1·(0.09/0.19) / (√(0.000999/0.001999) + ε) ≈ 0.9 - 0.067006 = 0.832994
    // AMSGrad: p₂ = p₁ - 0.1·(0.09/0.19) / (√(0.001/0.001999) + ε)    ≈ 0.9 - 0.066972 = 0.833028
    const p1 = 1 - 0.1 / (1 + eps);
    const [, plain] = run(adam({ lr: 0.1 }), [1], [[1], [0]]);
    const [, ams] = run(adam({ lr: 0.1, amsgrad: true }), [1], [[1], [0]]);
    expectClose(plain!, [p1 - (0.1 * (0.09 / 0.19)) / (Math.sqrt(0.000999 / 0.001999) + eps)]);
    expectClose(ams!, [p1 - (0.1 * (0.09 / 0.19)) / (Math.sqrt(0.001 / 0.001999) + eps)]);
    expectClose(ams!, [0.8330276878258663], 1e-9);
  });

  it('keeps nuMax only with amsgrad', () => {
    expect(Object.keys(scaleByAdam().init(f64([1]))).sort()).toEqual(['count', 'mu', 'nu']);
    expect(Object.keys(scaleByAdam({ amsgrad: true }).init(f64([1]))).sort()).toEqual(['count', 'mu', 'nu', 'nuMax']);
  });

  it('rejects betas outside [0, 1) and a negative eps', () => {
    expect(() => adam({ betas: [1, 0.999] })).toThrow(/beta/);
    expect(() => adam({ betas: [0.9, -0.1] })).toThrow(/beta/);
    expect(() => adam({ eps: -1 })).toThrow(/epsilon/);
  });
});

describe('adamw', () => {
  it('decays decoupled: p ← p·(1 - lr·wd), then the plain Adam step', () => {
    // wd = 0.1: p₁ = 0.99·p₀ - 0.1·u₁ ≈ [0.89, -0.89]; p₂ = 0.99·p₁ - 0.1·u₂ ≈ [0.787882, -0.854466]
    // (the Adam direction does not see the decay, so u₁, u₂ are those of plain Adam)
    const [p1, p2] = run(adamw({ lr: 0.1, weightDecay: 0.1 }), p0, gs);
    const e1 = p0.map((p, i) => 0.99 * p - 0.1 * u1[i]!);
    expectClose(p1!, e1);
    expectClose(
      p2!,
      e1.map((p, i) => 0.99 * p - 0.1 * u2[i]!),
    );
    expectClose(p2!, [0.7878820382881611, -0.8544662966974315], 1e-9);
  });

  it('defaults to weightDecay 0.01 (and lr 1e-3)', () => {
    // p₁ = p₀·(1 - 1e-3·0.01) - 1e-3·u₁
    const [p1] = run(adamw(), p0, gs.slice(0, 1));
    expectClose(
      p1!,
      p0.map((p, i) => p * (1 - 1e-5) - 1e-3 * u1[i]!),
    );
  });
});
