/**
 * @file The classic optimisers as chains of building blocks, each matching its torch.optim namesake step
 * for step (the learning rate may also be a schedule, read at the update count starting from 0).
 */
import { type AdamState, scaleByAdam } from './adam.js';
import { addDecayedWeights, type CountState, chain, scaleByLearningRate } from './base.js';
import { type TraceState, traceMomentum } from './momentum.js';
import { type RmsState, scaleByRms } from './rms.js';
import type { EmptyState, GradientTransformation, LearningRate } from './types.js';

/** Options of `sgd` (torch.optim.SGD's names and defaults). */
export type SgdOptions = {
  readonly lr: LearningRate;
  /** μ, default 0 (no momentum buffer is kept). */
  readonly momentum?: number;
  /** Default 0. */
  readonly dampening?: number;
  /** Default false; needs μ > 0 and no dampening. */
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient before momentum, default 0. */
  readonly weightDecay?: number;
};

/** The state of `sgd`: `[decay, momentum, learning rate]`. */
export type SgdState = [EmptyState, TraceState, CountState];

/**
 * torch.optim.SGD: `g ← g + wd·p`; `b₁ = g₁`, `bₜ = μbₜ₋₁ + (1 - d)gₜ`; `g ← g + μbₜ` (Nesterov) or
 * `g ← bₜ`; `p ← p - lr·g`.
 * @example sgd({ lr: 0.1, momentum: 0.9, weightDecay: 5e-4 })
 */
export function sgd(opts: SgdOptions): GradientTransformation<SgdState> {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = opts;
  return chain(
    addDecayedWeights(weightDecay),
    traceMomentum({ momentum, dampening, nesterov }),
    scaleByLearningRate(lr),
  );
}

/** Options of `adam` and `adamw` (torch.optim.Adam's names; `betas` = [β₁, β₂]). */
export type AdamOptions = {
  /** Default 1e-3. */
  readonly lr?: LearningRate;
  /** Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Default 1e-8. */
  readonly eps?: number;
  /** `adam`: L2 penalty added to the gradient, default 0. `adamw`: decoupled decay, default 0.01. */
  readonly weightDecay?: number;
  /** Default false. */
  readonly amsgrad?: boolean;
};

/** The state of `adam`: `[decay, moments, learning rate]`. */
export type AdamOptState = [EmptyState, AdamState, CountState];
/** The state of `adamw`: `[moments, decay, learning rate]`. */
export type AdamWOptState = [AdamState, EmptyState, CountState];

/**
 * torch.optim.Adam: `g ← g + wd·p`; `m ← β₁m + (1 - β₁)g`; `v ← β₂v + (1 - β₂)g²`;
 * `p ← p - lr/(1 - β₁ᵗ) · m / (√v / √(1 - β₂ᵗ) + ε)` (v replaced by its running max with AMSGrad).
 * @example adam({ lr: 1e-3 })
 */
export function adam(opts: AdamOptions = {}): GradientTransformation<AdamOptState> {
  const { lr = 1e-3, betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false } = opts;
  return chain(addDecayedWeights(weightDecay), scaleByAdam({ b1, b2, eps, amsgrad }), scaleByLearningRate(lr));
}

/**
 * torch.optim.AdamW: Adam without the L2 term, plus decoupled decay `p ← p - lr·wd·p` (with the same lr,
 * schedule included), so `p ← p - lr·(adamDirection + wd·p)`. `weightDecay` defaults to 0.01.
 * @example adamw({ lr: 1e-3, weightDecay: 0.05 })
 */
export function adamw(opts: AdamOptions = {}): GradientTransformation<AdamWOptState> {
  const { lr = 1e-3, betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01, amsgrad = false } = opts;
  return chain(scaleByAdam({ b1, b2, eps, amsgrad }), addDecayedWeights(weightDecay), scaleByLearningRate(lr));
}

/** Options of `rmsprop` (torch.optim.RMSprop's names and defaults). */
export type RmspropOptions = {
  /** Default 1e-2. */
  readonly lr?: LearningRate;
  /** Default 0.99. */
  readonly alpha?: number;
  /** Default 1e-8. */
  readonly eps?: number;
  /** L2 penalty added to the gradient, default 0. */
  readonly weightDecay?: number;
  /** Default 0. */
  readonly momentum?: number;
  /** Default false. */
  readonly centered?: boolean;
};

/** The state of `rmsprop`: `[decay, rms, momentum, learning rate]`. */
export type RmspropState = [EmptyState, RmsState, TraceState, CountState];

/**
 * torch.optim.RMSprop: `g ← g + wd·p`; `s ← αs + (1 - α)g²`; `d = √s + ε` (centred: `ḡ ← αḡ + (1 - α)g`,
 * `d = √(s - ḡ²) + ε`); with momentum `b ← μb + g/d`, `p ← p - lr·b`; else `p ← p - lr·g/d`.
 * @example rmsprop({ lr: 1e-2, momentum: 0.9, centered: true })
 */
export function rmsprop(opts: RmspropOptions = {}): GradientTransformation<RmspropState> {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = opts;
  return chain(
    addDecayedWeights(weightDecay),
    scaleByRms({ alpha, eps, centered }),
    traceMomentum({ momentum }),
    scaleByLearningRate(lr),
  );
}
