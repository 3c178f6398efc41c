/** @file batchNorm against hand-computed numbers (PyTorch semantics). */
import { key, type Tensor, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { batchNorm } from './index.js';

const close = (t: Tensor, expected: readonly number[], digits = 10): void => {
  const d = Array.from(t.data());
  expect(d.length).toBe(expected.length);
  for (const [i, v] of d.entries()) expect(v).toBeCloseTo(expected[i]!, digits);
};

// x: [N=2, C=2, H=1, W=2]; channel 0 holds 1, 2, 3, 4 and channel 1 holds 0, 0, 0, 4
const x = tensor(
  [
    [[[1, 2]], [[0, 0]]],
    [[[3, 4]], [[0, 4]]],
  ],
  { dtype: 'float64' },
);
const eps = 1e-5;

describe('batchNorm', () => {
  const bn = batchNorm();
  const init = bn.init(key(0), [2, 1, 2], { dtype: 'float64' });
  const params = { weight: tensor([2, 1], { dtype: 'float64' }), bias: tensor([0, 1], { dtype: 'float64' }) };

  it('starts from PyTorch defaults: weight 1, bias 0, running mean 0, var 1, counter 0', () => {
    expect(Array.from((init.params as { weight: Tensor }).weight.data())).toEqual([1, 1]);
    expect(Array.from((init.params as { bias: Tensor }).bias.data())).toEqual([0, 0]);
    expect(Array.from(init.state.running_mean.data())).toEqual([0, 0]);
    expect(Array.from(init.state.running_var.data())).toEqual([1, 1]);
    expect(init.state.num_batches_tracked.dtype).toBe('int32');
    expect(init.state.num_batches_tracked.shape).toEqual([]);
  });

  it('training normalises with the biased batch variance and updates running stats with the unbiased one', () => {
    const { y, state } = bn.apply(params, init.state, x, { train: true });
    // channel 0: mean 2.5, biased var 1.25, unbiased 5/3; channel 1: mean 1, biased var 3, unbiased 4
    const n0 = (v: number) => (2 * (v - 2.5)) / Math.sqrt(1.25 + eps);
    const n1 = (v: number) => (v - 1) / Math.sqrt(3 + eps) + 1;
    close(y, [n0(1), n0(2), n1(0), n1(0), n0(3), n0(4), n1(0), n1(4)]);
    close(state.running_mean, [0.25, 0.1]);
    close(state.running_var, [0.9 + 0.1 * (5 / 3), 0.9 + 0.1 * 4]);
    expect(state.num_batches_tracked.item()).toBe(1);
    // the given state is not mutated
    expect(Array.from(init.state.running_mean.data())).toEqual([0, 0]);
    expect(init.state.num_batches_tracked.item()).toBe(0);
  });

  it('evaluation uses the running statistics and returns the state unchanged', () => {
    const { state } = bn.apply(params, init.state, x, { train: true });
    const ev = bn.apply(params, state, x, { train: false });
    const rv = [0.9 + 0.1 * (5 / 3), 1.3];
    const e0 = (v: number) => (2 * (v - 0.25)) / Math.sqrt(rv[0]! + eps);
    const e1 = (v: number) => (v - 0.1) / Math.sqrt(rv[1]! + eps) + 1;
    close(ev.y, [e0(1), e0(2), e1(0), e1(0), e0(3), e0(4), e1(0), e1(4)]);
    expect(ev.state).toBe(state);
  });

  it('momentum null keeps a cumulative average, and the counter counts steps', () => {
    const cum = batchNorm({ momentum: null });
    const s0 = cum.init(key(0), [2, 1, 2], { dtype: 'float64' }).state;
    const s1 = cum.apply(params, s0, x, { train: true }).state;
    close(s1.running_mean, [2.5, 1]);
    const x2 = tensor(
      [
        [[[5, 5]], [[1, 1]]],
        [[[5, 5]], [[1, 1]]],
      ],
      { dtype: 'float64' },
    );
    const s2 = cum.apply(params, s1, x2, { train: true }).state;
    close(s2.running_mean, [(2.5 + 5) / 2, (1 + 1) / 2]);
    expect(s2.num_batches_tracked.item()).toBe(2);
  });

  it('1-d over [N, C] and a clear error for one value per channel', () => {
    const bn1 = batchNorm({ momentum: 0.5, eps: 0 });
    const s = bn1.init(key(0), [1], { dtype: 'float64' });
    const r = bn1.apply(s.params, s.state, tensor([[1], [3]], { dtype: 'float64' }), { train: true });
    close(r.y, [-1, 1]);
    close(r.state.running_mean, [1]);
    close(r.state.running_var, [0.5 + 0.5 * 2]);
    expect(() => bn1.apply(s.params, s.state, tensor([[1]], { dtype: 'float64' }), { train: true })).toThrow(
      /batchNorm: x has shape \[1, 1\]: training needs more than one value per channel/,
    );
  });
});
