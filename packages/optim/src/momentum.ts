/** @file Momentum as torch.optim.SGD keeps it (heavy ball, dampening, Nesterov). */
import { add, mul } from '@tapenet/autodiff';
import { leafwise, zerosTree } from './tree-util.js';
import type { GradientTransformation, StateTree } from './types.js';
import { nonNegative } from './validate.js';

/** Options of `traceMomentum`; the defaults are torch.optim.SGD's. */
export type TraceMomentumOptions = {
  /** μ; 0 turns the transformation into a pass-through (no buffer is kept). */
  readonly momentum: number;
  /** d, default 0. */
  readonly dampening?: number;
  /** Default false. */
  readonly nesterov?: boolean;
};

/** `count`: updates seen so far; `trace`: the momentum buffers (an empty tree when μ = 0). */
export type TraceState = { readonly count: number; readonly trace: StateTree };

/**
 * The momentum buffer of torch.optim.SGD:
 * `b₁ = g₁` (no dampening on the first step), `bₜ = μ·bₜ₋₁ + (1 - d)·gₜ`;
 * the update is `bₜ`, or `gₜ + μ·bₜ` with Nesterov. Follow it with `scaleByLearningRate(lr)`.
 * @example chain(traceMomentum({ momentum: 0.9, nesterov: true }), scaleByLearningRate(0.1))
 */
export function traceMomentum(opts: TraceMomentumOptions): GradientTransformation<TraceState> {
  const { momentum: mu, dampening = 0, nesterov = false } = opts;
  nonNegative('traceMomentum', 'momentum', mu);
  nonNegative('traceMomentum', 'dampening', dampening);
  if (nesterov && (mu <= 0 || dampening !== 0)) {
    throw new RangeError('traceMomentum: Nesterov momentum requires a momentum and zero dampening');
  }
  return {
    init: (params) => ({ count: 0, trace: mu === 0 ? {} : zerosTree(params) }),
    update<G>(grads: G, { count, trace }: TraceState): [G, TraceState] {
      if (mu === 0) return [grads, { count: count + 1, trace }];
      const [updates, next] = leafwise('traceMomentum', grads, [trace], (g, [b]) => {
        const buf = count === 0 ? g : add(mul(b!, mu), dampening === 0 ? g : mul(g, 1 - dampening));
        return [nesterov ? add(g, mul(buf, mu)) : buf, buf];
      });
      return [updates as G, { count: count + 1, trace: next as StateTree }];
    },
  };
}
