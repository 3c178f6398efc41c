/** @file RMSprop's scaling, as torch.optim.RMSprop computes it (ε outside the root, optional centring). */
import { add, div, mul, sqrt, sub } from '@tapenet/autodiff';
import { lerp } from './lerp.js';
import { leafwise, zerosTree } from './tree-util.js';
import type { GradientTransformation, StateTree } from './types.js';
import { nonNegative } from './validate.js';

/** Options of `scaleByRms`; the defaults are torch.optim.RMSprop's. */
export type ScaleByRmsOptions = {
  /** Smoothing constant α, default 0.99. */
  readonly alpha?: number;
  /** ε, default 1e-8, added after the square root. */
  readonly eps?: number;
  /** Divide by an estimate of the standard deviation instead of the RMS, default false. */
  readonly centered?: boolean;
};

/** `sq`: the running mean of g²; `gAvg`: the running mean of g, present only when centred. */
export type RmsState = { readonly sq: StateTree; readonly gAvg?: StateTree };

/**
 * `s ← αs + (1 - α)g²`; centred: `ḡ ← αḡ + (1 - α)g`, `u = g / (√(s - ḡ²) + ε)`; else `u = g / (√s + ε)`.
 * torch.optim.RMSprop is `chain(scaleByRms(…), traceMomentum({ momentum }), scaleByLearningRate(lr))`
 * (see `rmsprop`).
 * @example chain(scaleByRms({ centered: true }), scaleByLearningRate(0.01))
 */
export function scaleByRms(opts: ScaleByRmsOptions = {}): GradientTransformation<RmsState> {
  const { alpha = 0.99, eps = 1e-8, centered = false } = opts;
  nonNegative('scaleByRms', 'alpha value', alpha);
  nonNegative('scaleByRms', 'epsilon value', eps);
  return {
    init: (params) => (centered ? { sq: zerosTree(params), gAvg: zerosTree(params) } : { sq: zerosTree(params) }),
    update<G>(grads: G, state: RmsState): [G, RmsState] {
      const trees = centered ? [state.sq, state.gAvg ?? {}] : [state.sq];
      const [updates, sq, gAvg] = leafwise('scaleByRms', grads, trees, (g, [s0, a0]) => {
        const s = add(mul(s0!, alpha), mul(mul(g, 1 - alpha), g)); // torch: square_avg.mul_(α).addcmul_(g, g, 1 - α)
        if (!centered) return [div(g, add(sqrt(s), eps)), s];
        const a = lerp(a0!, g, 1 - alpha); // torch: grad_avg.lerp_(g, 1 - α)
        return [div(g, add(sqrt(sub(s, mul(a, a))), eps)), s, a];
      });
      const next = { sq: sq as StateTree };
      return [updates as G, centered ? { ...next, gAvg: gAvg as StateTree } : next];
    },
  };
}
