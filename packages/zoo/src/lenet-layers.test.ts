/** @file Gradient checks (float64, reverse and forward mode) of the original LeNet-5's own layers. */
import { key, random, scope, type Tensor } from '@tapenet/autodiff';
import { checkGrads } from '@tapenet/autodiff/testing';
import { describe, expect, it } from 'vitest';
import { C3_TABLE, partialConv2d, rbf, subsampling } from './lenet-layers.js';

const f64 = { dtype: 'float64' } as const;
const x = (shape: number[], seed: number): Tensor => random.normal(key(seed), shape, 0, 1, f64);

describe('LeNet-5 layers: gradients agree with central differences', () => {
  it('subsampling (input, coefficient and bias)', () => {
    const layer = subsampling();
    const ctx = { train: false };
    checkGrads(
      (input, weight, bias) => layer.apply({ weight: weight!, bias: bias! }, {}, input!, ctx).y,
      [x([2, 3, 4, 5], 1), x([3], 2), x([3], 3)],
    );
  });
  it('partialConv2d with the C3 table (input, kernels and bias)', () => {
    const layer = partialConv2d(C3_TABLE, 3);
    const ctx = { train: false };
    checkGrads(
      (input, weight, bias) => layer.apply({ weight: weight!, bias: bias! }, {}, input!, ctx).y,
      [x([1, 6, 5, 5], 4), x([60, 3, 3], 5), x([16], 6)],
    );
  });
  it('rbf output', () => {
    const layer = rbf(10);
    checkGrads((input) => layer.apply({}, {}, input!, { train: false }).y, [x([3, 84], 7)]);
  });
});

describe('LeNet-5 layers: cached constant tables', () => {
  it('outlive the scope of the first call (a training step), so later calls can use them', () => {
    const conv = partialConv2d(C3_TABLE, 3);
    const out = rbf(10);
    const p = conv.init(key(1), [6, 5, 5]).params;
    const run = () =>
      scope(() => {
        const y = conv.apply(p, {}, random.normal(key(8), [1, 6, 5, 5]), { train: false }).y;
        const z = out.apply({}, {}, random.normal(key(9), [1, 84]), { train: false }).y;
        return [y.data()[0], z.data()[0]];
      });
    const first = run();
    expect(run()).toEqual(first); // threw 'was released' when the tables were made inside the first scope
  });
});
