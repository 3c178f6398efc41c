/**
 * @file sgd and traceMomentum against torch.optim.SGD, worked by hand. Every case starts at p₀ = [1, -2]
 * with lr = 0.1 and gradients g₁ = [1, 2], g₂ = [0.5, -1], g₃ = [-1, 0] set by hand before each step.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, run } from '../test/helpers.js';
import { sgd } from './aliases.js';
import { chain, scaleByLearningRate } from './base.js';
import { traceMomentum } from './momentum.js';

const p0 = [1, -2];
const gs = [
  [1, 2],
  [0.5, -1],
  [-1, 0],
];

describe('sgd', () => {
  it('without momentum is p ← p - lr·g', () => {
    // p₁ = [1 - 0.1, -2 - 0.2] = [0.9, -2.2]; p₂ = [0.9 - 0.05, -2.2 + 0.1] = [0.85, -2.1]
    const [p1, p2] = run(sgd({ lr: 0.1 }), p0, gs.slice(0, 2));
    expectClose(p1!, [0.9, -2.2]);
    expectClose(p2!, [0.85, -2.1]);
  });

  it('momentum 0.9, three steps: the first buffer is the gradient itself', () => {
    // b₁ = g₁ = [1, 2]                         p₁ = [1 - 0.1, -2 - 0.2]       = [0.9, -2.2]
    // b₂ = 0.9·[1, 2] + [0.5, -1] = [1.4, 0.8]     p₂ = [0.9 - 0.14, -2.2 - 0.08] = [0.76, -2.28]
    // b₃ = 0.9·[1.4, 0.8] + [-1, 0] = [0.26, 0.72] p₃ = [0.76 - 0.026, -2.28 - 0.072] = [0.734, -2.352]
    const [p1, p2, p3] = run(sgd({ lr: 0.1, momentum: 0.9 }), p0, gs);
    expectClose(p1!, [0.9, -2.2]);
    expectClose(p2!, [0.76, -2.28]);
    expectClose(p3!, [0.734, -2.352]);
  });

  it('nesterov steps along g + μ·b', () => {
    // b as above; u₁ = [1, 2] + 0.9·[1, 2] = [1.9, 3.8]            p₁ = [0.81, -2.38]
    // u₂ = [0.5, -1] + 0.9·[1.4, 0.8] = [1.76, -0.28]               p₂ = [0.81 - 0.176, -2.38 + 0.028] = [0.634, -2.352]
    // u₃ = [-1, 0] + 0.9·[0.26, 0.72] = [-0.766, 0.648]             p₃ = [0.634 + 0.0766, -2.352 - 0.0648] = [0.7106, -2.4168]
    const [p1, p2, p3] = run(sgd({ lr: 0.1, momentum: 0.9, nesterov: true }), p0, gs);
    expectClose(p1!, [0.81, -2.38]);
    expectClose(p2!, [0.634, -2.352]);
    expectClose(p3!, [0.7106, -2.4168]);
  });

  it('dampening scales the new gradient but not the first buffer', () => {
    // d = 0.5: b₁ = g₁ = [1, 2] (undamped)                  p₁ = [0.9, -2.2]
    // b₂ = 0.9·[1, 2] + 0.5·[0.5, -1] = [1.15, 1.3]          p₂ = [0.9 - 0.115, -2.2 - 0.13] = [0.785, -2.33]
    // b₃ = 0.9·[1.15, 1.3] + 0.5·[-1, 0] = [0.535, 1.17]     p₃ = [0.785 - 0.0535, -2.33 - 0.117] = [0.7315, -2.447]
    const [p1, p2, p3] = run(sgd({ lr: 0.1, momentum: 0.9, dampening: 0.5 }), p0, gs);
    expectClose(p1!, [0.9, -2.2]);
    expectClose(p2!, [0.785, -2.33]);
    expectClose(p3!, [0.7315, -2.447]);
  });

  it('weight decay is added to the gradient before momentum', () => {
    // wd = 0.1: g₁' = [1 + 0.1·1, 2 + 0.1·(-2)] = [1.1, 1.8] = b₁      p₁ = [0.89, -2.18]
    // g₂' = [0.5 + 0.089, -1 - 0.218] = [0.589, -1.218]
    // b₂ = 0.9·[1.1, 1.8] + [0.589, -1.218] = [1.579, 0.402]           p₂ = [0.89 - 0.1579, -2.18 - 0.0402] = [0.7321, -2.2202]
    const [p1, p2] = run(sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), p0, gs.slice(0, 2));
    expectClose(p1!, [0.89, -2.18]);
    expectClose(p2!, [0.7321, -2.2202]);
  });

  it('a scheduled lr is read at the update count, from 0', () => {
    // lr(t) = 0.1·(t + 1): p₁ = p₀ - 0.1·g₁ = [0.9, -2.2]; p₂ = p₁ - 0.2·g₂ = [0.8, -2.0]
    const [p1, p2] = run(sgd({ lr: (t) => 0.1 * (t + 1) }), p0, gs.slice(0, 2));
    expectClose(p1!, [0.9, -2.2]);
    expectClose(p2!, [0.8, -2.0]);
  });

  it('rejects what torch.optim.SGD rejects', () => {
    expect(() => sgd({ lr: -1 })).toThrow(/learning rate/);
    expect(() => sgd({ lr: 0.1, momentum: -0.5 })).toThrow(/momentum/);
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => sgd({ lr: 0.1, weightDecay: -1 })).toThrow(/weight decay/);
  });
});

describe('traceMomentum', () => {
  it('keeps no buffer when μ = 0 and passes updates through', () => {
    const t = traceMomentum({ momentum: 0 });
    const s0 = t.init({ w: f64([1, 2]) });
    expect(s0).toEqual({ count: 0, trace: {} });
    const g = { w: f64([3, 4]) };
    const [u, s1] = t.update(g, s0);
    expect(u).toBe(g);
    expect(s1).toEqual({ count: 1, trace: {} });
  });

  test.prop([
    fc.double({ min: 0, max: 0.99, noNaN: true }),
    fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 6 }),
  ])('the buffer is a sum of past gradients weighted by powers of μ (constant gradient: b_t = g·Σμᵏ)', (mu, g) => {
    // with a constant g and no dampening, bₜ = g·(1 + μ + … + μᵗ⁻¹); three steps at lr 1 move p by -g·(3 + 2μ + μ²)
    const [, , p3] = run(
      chain(traceMomentum({ momentum: mu }), scaleByLearningRate(1)),
      g.map(() => 0),
      [g, g, g],
    );
    expectClose(
      p3!,
      g.map((x) => -x * (3 + 2 * mu + mu * mu)),
      1e-10,
    );
  });
});
