/** @file Gradient clipping: by global norm (over all leaves) and by value. */
import { isTensor, maximum, minimum, square, sum, treeMap, treeTensors } from '@tapenet/autodiff';
import { scaleTree } from './base.js';
import type { EmptyState, GradientTransformation } from './types.js';
import { nonNegative } from './validate.js';

const EMPTY: EmptyState = Object.freeze({});

/**
 * The L2 norm of all tensor leaves taken together, `‖g‖ = √(Σ_leaves Σ_i g_i²)` (accumulated in float64).
 * @example globalNorm({ a: tensor([3]), b: tensor([4]) }) // 5
 */
export function globalNorm(tree: unknown): number {
  let total = 0;
  for (const t of treeTensors(tree)) total += sum(square(t)).item();
  return Math.sqrt(total);
}

/** Options of `clipByGlobalNorm`. */
export type ClipByGlobalNormOptions = {
  /** Added to the norm in the divisor; torch's `clip_grad_norm_` uses 1e-6 (the default), optax uses 0. */
  readonly eps?: number;
};

/**
 * Scales all updates together so that their global norm is at most `maxNorm`:
 * `u ← u·min(1, maxNorm / (‖u‖ + eps))`, `‖u‖` over every leaf at once (torch.nn.utils.clip_grad_norm_;
 * with `eps: 0` it is optax's `clip_by_global_norm`). The direction is kept. Stateless.
 * @example chain(clipByGlobalNorm(1), adam({ lr: 1e-3 }))
 */
export function clipByGlobalNorm(
  maxNorm: number,
  opts: ClipByGlobalNormOptions = {},
): GradientTransformation<EmptyState> {
  const eps = opts.eps ?? 1e-6;
  nonNegative('clipByGlobalNorm', 'maxNorm', maxNorm);
  nonNegative('clipByGlobalNorm', 'eps', eps);
  return {
    init: () => EMPTY,
    update: (grads, state) => {
      const coef = maxNorm / (globalNorm(grads) + eps);
      return [coef < 1 ? scaleTree(grads, coef) : grads, state];
    },
  };
}

/**
 * Clamps every element: `u ← min(max(u, lo), hi)` (torch.nn.utils.clip_grad_value_ with `lo = -hi`).
 * Stateless.
 * @example clipByValue(-1, 1)
 */
export function clipByValue(lo: number, hi: number): GradientTransformation<EmptyState> {
  if (!(lo <= hi)) throw new RangeError(`clipByValue: lo ${lo} must be ≤ hi ${hi}`);
  return {
    init: () => EMPTY,
    update: (grads, state) => [treeMap((u: unknown) => (isTensor(u) ? minimum(maximum(u, lo), hi) : u), grads), state],
  };
}
