/** @file Adam's moment estimates and bias correction, as torch.optim.Adam computes them. */
import { add, div, maximum, mul, sqrt } from '@tapenet/autodiff';
import { lerp } from './lerp.js';
import { leafwise, zerosTree } from './tree-util.js';
import type { GradientTransformation, StateTree } from './types.js';
import { nonNegative, unitInterval } from './validate.js';

/** Options of `scaleByAdam`; the defaults are torch.optim.Adam's. */
export type ScaleByAdamOptions = {
  /** β₁, default 0.9. */
  readonly b1?: number;
  /** β₂, default 0.999. */
  readonly b2?: number;
  /** ε, default 1e-8, added to the bias-corrected √v. */
  readonly eps?: number;
  /** Use the running maximum of v (AMSGrad), default false. */
  readonly amsgrad?: boolean;
};

/**
 * `count`: updates seen so far; `mu`, `nu`: first and second moments; `nuMax`: the running maximum of
 * `nu`, present only with AMSGrad.
 */
export type AdamState = {
  readonly count: number;
  readonly mu: StateTree;
  readonly nu: StateTree;
  readonly nuMax?: StateTree;
};

/**
 * The Adam direction (torch.optim.Adam with `lr = 1`, sign not flipped), at step `t = count + 1`:
 * `m ← β₁m + (1 - β₁)g`, `v ← β₂v + (1 - β₂)g²`, `v̂ = max(v̂, v)` with AMSGrad (else `v̂ = v`),
 * `u = (m / (√v̂ / √(1 - β₂ᵗ) + ε)) / (1 - β₁ᵗ)`. Follow it with `scaleByLearningRate(lr)`.
 * @example chain(scaleByAdam({ b2: 0.99 }), scaleByLearningRate(1e-3))
 */
export function scaleByAdam(opts: ScaleByAdamOptions = {}): GradientTransformation<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, amsgrad = false } = opts;
  unitInterval('scaleByAdam', 'beta parameter at index 0', b1);
  unitInterval('scaleByAdam', 'beta parameter at index 1', b2);
  nonNegative('scaleByAdam', 'epsilon value', eps);
  return {
    init: (params) => {
      const base = { count: 0, mu: zerosTree(params), nu: zerosTree(params) };
      return amsgrad ? { ...base, nuMax: zerosTree(params) } : base;
    },
    update<G>(grads: G, state: AdamState): [G, AdamState] {
      const t = state.count + 1;
      const bc1 = 1 - b1 ** t;
      const bc2Sqrt = Math.sqrt(1 - b2 ** t);
      const moments = amsgrad ? [state.mu, state.nu, state.nuMax ?? {}] : [state.mu, state.nu];
      const [updates, mu, nu, nuMax] = leafwise('scaleByAdam', grads, moments, (g, [m0, v0, vMax0]) => {
        const m = lerp(m0!, g, 1 - b1); // torch: exp_avg.lerp_(grad, 1 - β₁)
        const v = add(mul(v0!, b2), mul(mul(g, 1 - b2), g)); // torch: exp_avg_sq.mul_(β₂).addcmul_(g, g, 1 - β₂)
        const vHat = amsgrad ? maximum(vMax0!, v) : v;
        const denom = add(div(sqrt(vHat), bc2Sqrt), eps);
        const u = div(div(m, denom), bc1);
        return amsgrad ? [u, m, v, vHat] : [u, m, v];
      });
      const next = { count: t, mu: mu as StateTree, nu: nu as StateTree };
      return [updates as G, amsgrad ? { ...next, nuMax: nuMax as StateTree } : next];
    },
  };
}
