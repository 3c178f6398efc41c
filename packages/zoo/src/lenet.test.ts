/** @file LeNet-5, both variants: parameter counts, keys, shapes, one SGD step. */
import { key, random, tensor } from '@tapenet/autodiff';
import { summary } from '@tapenet/layers';
import { describe, expect, it } from 'vitest';
import { bnKeys, keysOf, paramCount, sgdStep } from '../test/helpers.js';
import { C3_TABLE, partialConv2d, rbfCodes, subsampling } from './lenet-layers.js';
import { lenet5 } from './lenet.js';

describe('lenet5 modern', () => {
  it('has 61,706 params and the tutorial keys', () => {
    const net = lenet5();
    expect(paramCount(net, [1, 28, 28])).toBe(61706);
    expect(keysOf(net, [1, 28, 28])).toEqual(
      ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].flatMap((l) => [`${l}.bias`, `${l}.weight`]),
    );
    expect(summary(net, [1, 28, 28]).outShape).toEqual([10]);
    expect(bnKeys('x')).toHaveLength(5);
  });
  it('follows numClasses and inChannels', () => {
    const net = lenet5({ numClasses: 7, inChannels: 3 });
    expect(net.describe([3, 28, 28]).outShape).toEqual([7]);
    expect(paramCount(net, [3, 28, 28])).toBe(61706 - 850 + 84 * 7 + 7 + 2 * 6 * 25);
    expect(() => net.describe([1, 28, 28])).toThrow(/3 input channels/);
  });
  it('runs forward and backward, and one SGD step lowers the loss', () => {
    const r = sgdStep(lenet5(), [1, 28, 28], 10, 4, 0.05);
    expect(r.outShape).toEqual([4, 10]);
    expect(r.gradPaths).toEqual(r.paramPaths);
    expect([...r.paramPaths].sort()).toEqual(r.describedKeys);
    expect(r.after).toBeLessThan(r.before);
  });
});

describe('lenet5 original (LeCun et al. 1998)', () => {
  it('has the paper per-layer counts and 60,000 trainable params with the RBF output', () => {
    const net = lenet5({ variant: 'original' });
    const rows = summary(net, [1, 32, 32]).rows;
    const count = Object.fromEntries(rows.map((r) => [r.path, r.params]));
    expect(count).toMatchObject({ c1: 156, s2: 12, c3: 1516, s4: 32, c5: 48120, f6: 10164, output: 0 });
    const shape = Object.fromEntries(rows.map((r) => [r.path, r.outShape]));
    expect(shape).toMatchObject({
      c1: [6, 28, 28],
      s2: [6, 14, 14],
      c3: [16, 10, 10],
      s4: [16, 5, 5],
      c5: [120, 1, 1],
      f6: [84],
      output: [10],
    });
    expect(paramCount(net, [1, 32, 32])).toBe(60000);
    expect(paramCount(lenet5({ variant: 'original', output: 'dense' }), [1, 32, 32])).toBe(60850);
    expect(keysOf(net, [1, 32, 32])).toEqual(
      ['c1', 'c3', 'c5', 'f6', 's2', 's4'].flatMap((l) => [`${l}.bias`, `${l}.weight`]),
    );
  });
  it('C3 follows Table I: 60 connections, every S2 map used, map 15 reads all six', () => {
    expect(C3_TABLE.map((r) => r.length)).toEqual([3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6]);
    // row 0 of Table I: S2 map 0 feeds C3 maps 0, 4, 5, 6, 9, 10, 11, 12, 14, 15
    expect(C3_TABLE.flatMap((r, o) => (r.includes(0) ? [o] : []))).toEqual([0, 4, 5, 6, 9, 10, 11, 12, 14, 15]);
  });
  it('C3 output map o depends only on the S2 maps of its row', () => {
    const layer = partialConv2d(C3_TABLE, 5);
    const { params, state } = layer.init(key(0), [6, 8, 8], { dtype: 'float64' });
    const x = random.normal(key(1), [1, 6, 8, 8], 0, 1, { dtype: 'float64' });
    const base = layer.apply(params, state, x, { train: false }).y.toArray() as number[][][][];
    // perturb S2 map 1 only: C3 maps that do not read map 1 must not change
    const bump = random.normal(key(2), [1, 6, 8, 8], 0, 1, { dtype: 'float64' }).toArray() as number[][][][];
    const xa = x.toArray() as number[][][][];
    xa[0]![1] = bump[0]![1]!;
    const moved = layer
      .apply(params, state, tensor(xa, { dtype: 'float64' }), { train: false })
      .y.toArray() as number[][][][];
    expect(moved[0]).toHaveLength(16);
    const changed = C3_TABLE.map((_, o) => moved[0]![o]![0]![0] !== base[0]![o]![0]![0]);
    expect(changed).toEqual(C3_TABLE.map((r) => r.includes(1)));
  });
  it('subsampling is coefficient · 2x2 sum + bias per map', () => {
    const layer = subsampling();
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [0, 1],
          [0, 1],
        ],
      ],
    ]);
    const { params, state } = layer.init(key(0), [2, 2, 2]);
    expect(layer.apply(params, state, x, { train: false }).y.toArray()).toEqual([[[[2.5]], [[0.5]]]]);
    const p = { weight: tensor([2, -1]), bias: tensor([1, 0]) };
    expect(layer.apply(p, state, x, { train: false }).y.toArray()).toEqual([[[[21]], [[-2]]]]);
  });
  it('RBF codes are distinct ±1 rows', () => {
    const c = rbfCodes(10, 84).toArray() as number[][];
    expect(c.flat().every((v) => v === 1 || v === -1)).toBe(true);
    expect(new Set(c.map((r) => r.join())).size).toBe(10);
  });
  it('runs forward and backward, and one SGD step lowers the loss (rbf and dense outputs)', () => {
    for (const output of ['rbf', 'dense'] as const) {
      const r = sgdStep(lenet5({ variant: 'original', output }), [1, 32, 32], 10, 4, 0.01);
      expect(r.outShape).toEqual([4, 10]);
      expect([...r.paramPaths].sort()).toEqual(r.describedKeys);
      expect(r.after).toBeLessThan(r.before);
    }
  });
  it('rejects bad configurations', () => {
    expect(() => lenet5({ variant: 'classic' as 'modern' })).toThrow(/unknown variant 'classic'/);
    expect(() => lenet5({ numClasses: 0 })).toThrow(/numClasses = 0/);
    expect(() => lenet5({ variant: 'original', numClasses: 200 })).toThrow(/at most 127 classes/);
  });
});
