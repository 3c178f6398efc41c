/** @file The contract every optimiser piece satisfies: a pure `{ init, update }` pair over pytrees. */
import type { Tensor, Tree } from '@tapenet/autodiff';

/**
 * Optimiser state: a pytree whose leaves are tensors or plain numbers only, so it can be checkpointed
 * (tensors as arrays, numbers as metadata). Step counts are plain numbers.
 */
export type StateTree = Tree<Tensor | number>;

/** The state of a transformation that keeps none. */
export type EmptyState = { readonly [key: string]: never };

/**
 * A pure gradient transformation, as in optax.
 *
 * - `init(params)` builds the state (buffers are shaped and typed like the params' tensors).
 * - `update(grads, state, params?)` returns `[updates, nextState]` and never mutates its arguments. The
 *   updates have the structure and type of `grads` (so `Grads<P>` in gives `Grads<P>` out); leaves that
 *   are `null` in `grads` (non-tensor params) stay `null` and their state is left as it was. `params`
 *   is needed only by transformations that read the parameters (weight decay).
 *
 * Apply the result with `applyUpdates(params, updates)`: `p ← p + u`. Transformations that end in
 * `scaleByLearningRate` already carry the minus sign.
 *
 * @example
 * const opt = sgd({ lr: 0.1, momentum: 0.9 });
 * let state = opt.init(params);
 * const [updates, next] = opt.update(grads, state, params);
 * params = applyUpdates(params, updates);
 * state = next;
 */
export type GradientTransformation<S> = {
  init(params: unknown): S;
  update<G>(grads: G, state: S, params?: unknown): [updates: G, state: S];
};

/** The state type of a transformation. */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/**
 * A learning-rate (or any hyperparameter) schedule: a pure function of the step count. The step counts
 * from 0: the first update of an optimiser reads `schedule(0)`, the n-th reads `schedule(n - 1)`.
 */
export type Schedule = (step: number) => number;

/** A constant learning rate or a schedule. */
export type LearningRate = number | Schedule;
