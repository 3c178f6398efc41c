/**
 * @file The combinators and the stateless or counting building blocks: `applyUpdates`, `chain`, `scale`,
 * `scaleByLearningRate`, `addDecayedWeights`.
 */
import { add, type Grads, isTensor, mul, treeMap } from '@tapenet/autodiff';
import { lrAt, sameStructure } from './tree-util.js';
import type { EmptyState, GradientTransformation, LearningRate, StateOf } from './types.js';
import { nonNegative } from './validate.js';

const EMPTY: EmptyState = Object.freeze({});

/**
 * `p ← p + u` for every tensor leaf; other leaves of `params` (where the update is `null`) are kept.
 * Returns a new tree; `params` and `updates` are not touched.
 * @example params = applyUpdates(params, updates)
 */
export function applyUpdates<P>(params: P, updates: Grads<P>): P {
  if (!sameStructure(params, updates)) throw new Error('applyUpdates: updates do not have the structure of params');
  return treeMap(
    (p: unknown, u: unknown) => {
      if (u === null || u === undefined) return p;
      if (!isTensor(p) || !isTensor(u))
        throw new Error(`applyUpdates: cannot add update ${String(u)} to param ${String(p)}`);
      return add(p, u);
    },
    params,
    updates,
  );
}

/** The state of `chain(t1, t2, …)`: the tuple of the parts' states. */
export type ChainState<T extends readonly unknown[]> = { -readonly [K in keyof T]: StateOf<T[K]> };

/**
 * Runs transformations one after another: `t2` sees the updates `t1` produced, and every part gets the
 * same `params`. The state is the tuple `[s1, s2, …]` of the parts' states.
 * @example const opt = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3))
 */
export function chain<const T extends readonly GradientTransformation<unknown>[]>(
  ...transforms: T
): GradientTransformation<ChainState<T>> {
  const parts: readonly GradientTransformation<unknown>[] = transforms;
  return {
    init: (params) => parts.map((t) => t.init(params)) as ChainState<T>,
    update<G>(grads: G, state: ChainState<T>, params?: unknown): [G, ChainState<T>] {
      const states = state as readonly unknown[];
      if (!Array.isArray(states) || states.length !== parts.length) {
        throw new Error(`chain: the state must be a tuple of ${parts.length} states`);
      }
      let updates = grads;
      const next = parts.map((t, i) => {
        const [u, s] = t.update(updates, states[i], params);
        updates = u;
        return s;
      });
      return [updates, next as ChainState<T>];
    },
  };
}

/** Multiplies every tensor leaf by `v` (null leaves stay null). */
export const scaleTree = <G>(tree: G, v: number): G => treeMap((u: unknown) => (isTensor(u) ? mul(u, v) : u), tree);

/**
 * `u ← factor·u`. Stateless.
 * @example scale(0.5) // halves every update
 */
export const scale = (factor: number): GradientTransformation<EmptyState> => ({
  init: () => EMPTY,
  update: (grads, state) => [scaleTree(grads, factor), state],
});

/** State of a transformation that only counts its updates (the step a schedule is read at). */
export type CountState = { readonly count: number };

/**
 * `u ← -lr(t)·u` with `t` the number of earlier updates (so the first update reads `lr(0)`). The minus
 * sign makes `applyUpdates` descend. The state is `{ count }`.
 * @example scaleByLearningRate(0.1)                                      // u = -0.1·g
 * @example scaleByLearningRate(stepSchedule({ init: 0.1, stepSize: 30 }))
 */
export function scaleByLearningRate(lr: LearningRate): GradientTransformation<CountState> {
  nonNegative('scaleByLearningRate', 'learning rate', lr);
  return {
    init: () => ({ count: 0 }),
    update: (grads, { count }) => [scaleTree(grads, -lrAt(lr, count)), { count: count + 1 }],
  };
}

/**
 * `u ← u + wd·p`. Placed before a transformation it is L2 weight decay on the gradient (torch.optim.SGD,
 * Adam, RMSprop's `weight_decay`); placed after `scaleByAdam` and before `scaleByLearningRate` it is
 * AdamW's decoupled decay `p ← p - lr·wd·p`. Stateless; needs `params` unless `wd = 0`.
 * @example chain(addDecayedWeights(5e-4), traceMomentum({ momentum: 0.9 }), scaleByLearningRate(0.1))
 */
export function addDecayedWeights(wd: number): GradientTransformation<EmptyState> {
  nonNegative('addDecayedWeights', 'weight decay', wd);
  return {
    init: () => EMPTY,
    update<G>(grads: G, state: EmptyState, params?: unknown): [G, EmptyState] {
      if (wd === 0) return [grads, state];
      if (params === undefined)
        throw new Error('addDecayedWeights: update needs params when the weight decay is not 0');
      if (!sameStructure(grads, params))
        throw new Error('addDecayedWeights: params do not have the structure of the updates');
      const decayed = treeMap(
        (u: unknown, p: unknown) => {
          if (!isTensor(u)) return u;
          if (!isTensor(p)) throw new Error(`addDecayedWeights: param ${String(p)} is not a tensor but has an update`);
          return add(u, mul(p, wd));
        },
        grads,
        params,
      );
      return [decayed, state];
    },
  };
}
