/**
 * @file The contract: applyUpdates, chain (order and state), scale, scaleByLearningRate, addDecayedWeights,
 * and for every optimiser: structure preserved, null leaves passed through, inputs never mutated, state
 * made of tensors and numbers only.
 */
import {
  add,
  type Grads,
  isTensor,
  mul,
  square,
  sum,
  type Tensor,
  treeLeaves,
  treePaths,
  valueAndGrad,
} from '@tapenet/autodiff';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { f64 } from '../test/helpers.js';
import { type AdamState, scaleByAdam } from './adam.js';
import { adam, adamw, rmsprop, sgd } from './aliases.js';
import { addDecayedWeights, applyUpdates, type CountState, chain, scale, scaleByLearningRate } from './base.js';
import { clipByGlobalNorm, clipByValue } from './clip.js';
import { traceMomentum } from './momentum.js';
import { scaleByRms } from './rms.js';
import type { EmptyState, GradientTransformation } from './types.js';

const vals = (t: unknown): number[] => Array.from((t as Tensor).data());

/** Freezes every plain object and array of a tree, so any in-place write throws (ESM is strict). */
function deepFreeze<T>(x: T): T {
  if (Array.isArray(x) || (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype)) {
    for (const v of Object.values(x as object)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/** Params with nesting, an array, and a non-tensor leaf (which gets a null gradient). */
type Params = { layer: { weight: Tensor; bias: Tensor }; extra: Tensor[]; scale: number };
const makeParams = (): Params => ({
  layer: { weight: f64([[1, -2]]), bias: f64([0.5]) },
  extra: [f64([3])],
  scale: 2,
});
const loss = (p: Params): Tensor =>
  add(add(sum(square(p.layer.weight)), sum(mul(p.layer.bias, 3))), sum(mul(p.extra[0]!, p.scale)));

const optimisers: [string, GradientTransformation<unknown>][] = [
  ['sgd', sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['adam', adam({ lr: 0.1, weightDecay: 0.01, amsgrad: true })],
  ['adamw', adamw({ lr: 0.1 })],
  ['rmsprop', rmsprop({ lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01 })],
  ['clip + adam', chain(clipByGlobalNorm(1), clipByValue(-0.5, 0.5), adam({ lr: 0.1 }))],
  ['scale', scale(-0.5)],
];

describe.each(optimisers)('%s over a pytree', (_name, opt) => {
  it('keeps the structure, passes null leaves through and mutates nothing', () => {
    const params = deepFreeze(makeParams());
    const before = treeLeaves(params).map((l) => (isTensor(l) ? vals(l) : l));
    const [, grads] = valueAndGrad(loss)(params);
    deepFreeze(grads);
    expect(grads.scale).toBeNull();
    const state = deepFreeze(opt.init(params));
    const stateBefore = JSON.stringify(treePaths(state).map(([k, v]) => [k, isTensor(v) ? vals(v) : v]));

    const [updates, next] = opt.update(grads, state, params);
    expect(treePaths(updates).map(([k]) => k)).toEqual(treePaths(params).map(([k]) => k));
    expect(updates.scale).toBeNull();
    expect(updates.layer.weight.shape).toEqual([1, 2]);
    expect(updates.layer.weight.dtype).toBe('float64');
    const stepped = applyUpdates(params, updates);
    expect(stepped.scale).toBe(2);
    expect(vals(stepped.layer.weight)).not.toEqual(vals(params.layer.weight));

    // a second step from the new state works, and the old state and params are as they were
    opt.update(grads, next, stepped);
    expect(treeLeaves(params).map((l) => (isTensor(l) ? vals(l) : l))).toEqual(before);
    expect(JSON.stringify(treePaths(state).map(([k, v]) => [k, isTensor(v) ? vals(v) : v]))).toBe(stateBefore);
  });

  it('holds only tensors and plain numbers in its state (checkpointable)', () => {
    const params = makeParams();
    const [, grads] = valueAndGrad(loss)(params);
    const [, next] = opt.update(grads, opt.init(params), params);
    for (const leaf of [...treeLeaves(opt.init(params)), ...treeLeaves(next)]) {
      expect(isTensor(leaf) || typeof leaf === 'number').toBe(true);
    }
  });
});

describe('applyUpdates', () => {
  it('adds tensor updates and keeps other leaves', () => {
    const out = applyUpdates({ a: f64([1, 2]), n: 3 }, { a: f64([0.5, -1]), n: null });
    expect(vals(out.a)).toEqual([1.5, 1]);
    expect(out.n).toBe(3);
  });

  it('rejects updates of another structure', () => {
    const p = { a: f64([1]) };
    expect(() => applyUpdates(p, { b: f64([1]) } as unknown as Grads<typeof p>)).toThrow(/structure/);
  });

  it('is typed: Grads<P> in, P out, and update keeps the gradient type', () => {
    const params = makeParams();
    const [, grads] = valueAndGrad(loss)(params);
    const opt = adam();
    const [updates, state] = opt.update(grads, opt.init(params), params);
    expectTypeOf(updates).toEqualTypeOf<Grads<Params>>();
    expectTypeOf(applyUpdates(params, updates)).toEqualTypeOf<Params>();
    expectTypeOf(state).toEqualTypeOf<[EmptyState, AdamState, CountState]>();
  });
});

describe('chain', () => {
  it('applies transformations in order', () => {
    // g = 0.75: scale(2) then clip to [-1, 1] gives 1; clip then scale(2) gives 1.5
    const g = f64([0.75]);
    const [a] = chain(scale(2), clipByValue(-1, 1)).update(g, [{}, {}]);
    const [b] = chain(clipByValue(-1, 1), scale(2)).update(g, [{}, {}]);
    expect(vals(a)).toEqual([1]);
    expect(vals(b)).toEqual([1.5]);
  });

  it('keeps the tuple of its parts’ states', () => {
    const opt = chain(traceMomentum({ momentum: 0.5 }), scaleByLearningRate(1));
    const p = f64([0]);
    const s0 = opt.init(p);
    expect(s0).toHaveLength(2);
    expect(s0[1]).toEqual({ count: 0 });
    // b₁ = 2, b₂ = 0.5·2 + 2 = 3: the second part sees the first part's output
    const [u1, s1] = opt.update(f64([2]), s0);
    const [u2, s2] = opt.update(f64([2]), s1);
    expect(vals(u1)).toEqual([-2]);
    expect(vals(u2)).toEqual([-3]);
    expect(s2[0].count).toBe(2);
    expect(vals(s2[0].trace)).toEqual([3]);
    expect(s2[1]).toEqual({ count: 2 });
  });

  it('of nothing is the identity, and rejects a state of the wrong length', () => {
    const g = f64([1, 2]);
    expect(chain().update(g, [])[0]).toBe(g);
    expect(() => chain(scale(1)).update(g, [] as unknown as [Record<string, never>])).toThrow(/tuple of 1/);
  });

  it('reports a state built for other params', () => {
    const opt = scaleByAdam();
    expect(() => opt.update({ a: f64([1]) }, opt.init({ b: f64([1]) }))).toThrow(/structure/);
  });
});

describe('scaleByLearningRate', () => {
  it('negates and scales, reading a schedule at 0, 1, 2, …', () => {
    const opt = scaleByLearningRate((t) => 10 ** -t);
    let s = opt.init(null);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [u, next] = opt.update(f64([2]), s);
      seen.push(vals(u)[0]!);
      s = next;
    }
    expect(seen).toEqual([-2, -0.2, -0.02]);
  });
});

describe('addDecayedWeights', () => {
  it('adds wd·p and needs params unless wd = 0', () => {
    const [u] = addDecayedWeights(0.5).update(f64([1, 1]), {}, f64([2, -4]));
    expect(vals(u)).toEqual([2, -1]);
    expect(() => addDecayedWeights(0.5).update(f64([1]), {})).toThrow(/needs params/);
    const g = f64([1]);
    expect(addDecayedWeights(0).update(g, {})[0]).toBe(g);
  });
});

describe('scaleByRms', () => {
  it('divides by the root mean square (first step: g / (√(0.01·g²) + ε) ≈ ±10)', () => {
    const opt = scaleByRms();
    const [u] = opt.update(f64([4, -1]), opt.init(f64([0, 0])));
    expect(vals(u)[0]).toBeCloseTo(4 / (0.4 + 1e-8), 12);
    expect(vals(u)[1]).toBeCloseTo(-1 / (0.1 + 1e-8), 12);
  });
});
