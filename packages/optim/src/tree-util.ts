/**
 * @file Internal pytree helpers: a leafwise map with several outputs (an update and new state leaves in
 * one pass) and zero buffers shaped like the params. Not exported from the package.
 */
import { isTensor, type Tensor, treeFlatten, treeMap, zerosLike } from '@tapenet/autodiff';
import type { LearningRate, StateTree } from './types.js';

/** A leaf holding one leaf's several results (a class instance, so trees treat it as a leaf). */
class Results {
  constructor(readonly values: readonly unknown[]) {}
}

/**
 * Maps `f` over corresponding leaves of trees of one structure and splits its `k` results into `k`
 * trees of that structure (`treeMap` with several outputs).
 */
export function treeMapMany(
  k: number,
  f: (...leaves: unknown[]) => readonly unknown[],
  tree: unknown,
  ...rest: readonly unknown[]
): unknown[] {
  const boxed = treeMap((...leaves: unknown[]) => new Results(f(...leaves)), tree, ...rest);
  return Array.from({ length: k }, (_, i) => treeMap((r: Results) => r.values[i], boxed));
}

/**
 * Applies `rule(g, stateLeaves)` where the gradient leaf is a tensor; `rule` returns
 * `[update, ...nextStateLeaves]`. Where the gradient leaf is not a tensor (a `null` for a non-tensor
 * param) the update stays as it is and so do the state leaves. Returns `[updates, ...nextStates]`.
 */
export function leafwise(
  op: string,
  grads: unknown,
  states: readonly StateTree[],
  rule: (g: Tensor, s: readonly Tensor[]) => readonly Tensor[],
): unknown[] {
  const f = (g: unknown, ...s: unknown[]): readonly unknown[] => {
    if (!isTensor(g)) return [g, ...s];
    const tensors = s.map((x) => {
      if (!isTensor(x))
        throw new Error(
          `${op}: the state holds ${String(x)} where the gradient is a tensor; was it init'ed with these params?`,
        );
      return x;
    });
    return rule(g, tensors);
  };
  for (const s of states) {
    if (!sameStructure(grads, s)) throw new Error(`${op}: the state does not have the structure of the gradients`);
  }
  return treeMapMany(states.length + 1, f, grads, ...states);
}

/** Whether two trees have the same structure (keys, lengths, nesting), whatever their leaves. */
export const sameStructure = (a: unknown, b: unknown): boolean =>
  JSON.stringify(treeFlatten(a).def) === JSON.stringify(treeFlatten(b).def);

/** A zero buffer for every tensor leaf of `params` (same shape and dtype) and 0 for every other leaf. */
export const zerosTree = (params: unknown): StateTree =>
  treeMap((p: unknown) => (isTensor(p) ? zerosLike(p) : 0), params) as StateTree;

/** The learning rate at `step` (a number is constant). */
export const lrAt = (lr: LearningRate, step: number): number => (typeof lr === 'number' ? lr : lr(step));
