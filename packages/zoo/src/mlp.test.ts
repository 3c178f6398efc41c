/** @file The MLP baseline: counts, keys, configuration, one SGD step. */
import { describe, expect, it } from 'vitest';
import { keysOf, paramCount, sgdStep } from '../test/helpers.js';
import { mlp } from './mlp.js';

describe('mlp', () => {
  it('is 784-512-512-10 by default: 669,706 params, keys fc1 … fc3', () => {
    const net = mlp();
    expect(paramCount(net, [1, 28, 28])).toBe(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10);
    expect(paramCount(net, [1, 28, 28])).toBe(669706);
    expect(net.describe([1, 28, 28]).outShape).toEqual([10]);
    expect(keysOf(net, [1, 28, 28])).toEqual([
      'fc1.bias',
      'fc1.weight',
      'fc2.bias',
      'fc2.weight',
      'fc3.bias',
      'fc3.weight',
    ]);
  });
  it('takes hidden widths, classes and dropout', () => {
    const net = mlp({ hidden: [300, 100], numClasses: 5, dropout: 0.2 });
    expect(paramCount(net, [1, 28, 28])).toBe(784 * 300 + 300 + 300 * 100 + 100 + 100 * 5 + 5);
    expect(paramCount(mlp({ hidden: [] }), [3, 8, 8])).toBe(192 * 10 + 10);
    expect(() => mlp({ hidden: [0] })).toThrow(/hidden\[0\] = 0/);
    expect(() => mlp({ dropout: -0.1 })).toThrow(/dropout = -0.1/);
  });
  it('runs forward and backward, and one SGD step lowers the loss (with dropout)', () => {
    const r = sgdStep(mlp({ hidden: [64, 32], dropout: 0.5 }), [1, 28, 28], 10, 4, 0.05);
    expect(r.outShape).toEqual([4, 10]);
    expect(r.gradPaths).toEqual(r.paramPaths);
    expect(r.after).toBeLessThan(r.before);
  });
});
