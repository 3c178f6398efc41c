/** @file A zoo model's params and state are usable as they are: no cast between `init`, `apply`, `grad` and trees. */
import { grad, key, sum, type Tensor, treePaths, zeros } from '@tapenet/autodiff';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { lenet5 } from './lenet.js';
import { type Model, type ModelParams, type ModelState, paramAt } from './types.js';

describe('Model', () => {
  it("types init's params and state so they feed apply, grad and treePaths without casts", () => {
    const net: Model = lenet5();
    const { params, state } = net.init(key(0), [1, 28, 28]);
    expectTypeOf(params).toEqualTypeOf<ModelParams>();
    expectTypeOf(state).toEqualTypeOf<ModelState>();
    const x = zeros([2, 1, 28, 28]);
    const { y, state: next } = net.apply(params, state, x, { train: false });
    expectTypeOf(next).toEqualTypeOf<ModelState>();
    expect(y.shape).toEqual([2, 10]);
    const g = grad((p: ModelParams) => sum(net.apply(p, state, x, { train: false }).y))(params);
    expect(treePaths(g).map(([k]) => k)).toEqual(treePaths(params).map(([k]) => k));
    expectTypeOf(paramAt(params, 'fc3.weight')).toEqualTypeOf<Tensor>();
    expect(paramAt(params, 'fc3.weight').shape).toEqual([10, 84]);
  });
});
