/**
 * @file rmsprop and scaleByRms against torch.optim.RMSprop, worked by hand. Two steps from p₀ = [1, -1]
 * with lr = 0.01, α = 0.99, ε = 1e-8 and gradients g₁ = [1, -2], g₂ = [0.5, 1].
 */
import { describe, expect, it } from 'vitest';
import { expectClose, f64, run } from '../test/helpers.js';
import { rmsprop } from './aliases.js';
import { scaleByRms } from './rms.js';

const p0 = [1, -1];
const gs = [
  [1, -2],
  [0.5, 1],
];
const eps = 1e-8;

describe('rmsprop', () => {
  it('plain: p ← p - lr·g / (√s + ε)', () => {
    // s₁ = 0.01·g₁² = [0.01, 0.04], √s₁ = [0.1, 0.2]: p₁ = [1 - 0.01/(0.1 + ε), -1 + 0.02/(0.2 + ε)] ≈ [0.9, -0.9]
    // s₂ = 0.99·[0.01, 0.04] + 0.01·[0.25, 1] = [0.0124, 0.0496], √s₂ ≈ [0.111355, 0.222711]
    // p₂ = p₁ - 0.01·[0.5/(√0.0124 + ε), 1/(√0.0496 + ε)] ≈ p₁ - 0.01·[4.490133, 4.490133] ≈ [0.855099, -0.944901]
    const [p1, p2] = run(rmsprop({ lr: 0.01 }), p0, gs);
    const e1 = [1 - 0.01 / (0.1 + eps), -1 + 0.02 / (0.2 + eps)];
    expectClose(p1!, e1);
    expectClose(p2!, [e1[0]! - (0.01 * 0.5) / (Math.sqrt(0.0124) + eps), e1[1]! - 0.01 / (Math.sqrt(0.0496) + eps)]);
    expectClose(p2!, [0.855098688525563, -0.9449013284905645], 1e-9);
  });

  it('centred with momentum 0.9: b ← μb + g/(√(s - ḡ²) + ε), p ← p - lr·b', () => {
    // step 1: ḡ₁ = 0.01·g₁ = [0.01, -0.02]; s₁ - ḡ₁² = [0.0099, 0.0396]; d₁ = [√0.0099, √0.0396] + ε
    //   b₁ = g₁/d₁ ≈ [10.050378, -10.050378]; p₁ = p₀ - 0.01·b₁ ≈ [0.899496, -0.899496]
    // step 2: ḡ₂ = 0.99·[0.01, -0.02] + 0.01·[0.5, 1] = [0.0149, -0.0098];
    //   s₂ - ḡ₂² = [0.0124 - 0.00022201, 0.0496 - 0.00009604] = [0.01217799, 0.04950396]
    //   b₂ = 0.9·b₁ + g₂/d₂ ≈ [9.045340 + 4.530880, -9.045340 + 4.494481]; p₂ = p₁ - 0.01·b₂ ≈ [0.763734, -0.853988]
    const [p1, p2] = run(rmsprop({ lr: 0.01, momentum: 0.9, centered: true }), p0, gs);
    const b1 = [1 / (Math.sqrt(0.0099) + eps), -2 / (Math.sqrt(0.0396) + eps)];
    const e1 = p0.map((p, i) => p - 0.01 * b1[i]!);
    expectClose(p1!, e1);
    const b2 = [0.9 * b1[0]! + 0.5 / (Math.sqrt(0.01217799) + eps), 0.9 * b1[1]! + 1 / (Math.sqrt(0.04950396) + eps)];
    expectClose(
      p2!,
      e1.map((p, i) => p - 0.01 * b2[i]!),
    );
    expectClose(p2!, [0.7637340761950161, -0.8539876824157828], 1e-9);
  });

  it('momentum without centring starts from a zero buffer (b₁ = g₁/d₁, as torch)', () => {
    // b₁ = [10, -10] (up to ε) so p₁ ≈ [0.9, -0.9] as in the plain case; b₂ = 0.9·b₁ + [4.490133, 4.490133]
    const [p1, p2] = run(rmsprop({ lr: 0.01, momentum: 0.9 }), p0, gs);
    const b1 = [1 / (0.1 + eps), -2 / (0.2 + eps)];
    expectClose(
      p1!,
      p0.map((p, i) => p - 0.01 * b1[i]!),
    );
    const b2 = [0.9 * b1[0]! + 0.5 / (Math.sqrt(0.0124) + eps), 0.9 * b1[1]! + 1 / (Math.sqrt(0.0496) + eps)];
    expectClose(
      p2!,
      p1!.map((p, i) => p - 0.01 * b2[i]!),
    );
  });

  it('weight decay adds wd·p to the gradient first', () => {
    // wd = 0.5: g₁' = [1 + 0.5, -2 - 0.5] = [1.5, -2.5]; s₁ = 0.01·g₁'²; p₁ = p₀ - 0.01·g₁'/(0.1·|g₁'| + ε)
    const [p1] = run(rmsprop({ lr: 0.01, weightDecay: 0.5 }), p0, gs.slice(0, 1));
    expectClose(p1!, [1 - (0.01 * 1.5) / (0.15 + eps), -1 + (0.01 * 2.5) / (0.25 + eps)]);
  });

  it('keeps the gradient average only when centred', () => {
    expect(Object.keys(scaleByRms().init(f64([1])))).toEqual(['sq']);
    expect(Object.keys(scaleByRms({ centered: true }).init(f64([1]))).sort()).toEqual(['gAvg', 'sq']);
  });
});
