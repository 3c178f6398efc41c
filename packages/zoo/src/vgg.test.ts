/** @file VGG: torchvision parameter counts and keys by shape inference; small forward/backward runs. */
import { describe, expect, it } from 'vitest';
import { bnKeys, keysOf, paramCount, sgdStep } from '../test/helpers.js';
import { stateDictShapes } from './state-dict.js';
import { vgg } from './vgg.js';

const IMAGENET = [3, 224, 224];
const CLASSIFIER = [
  'classifier.0.bias',
  'classifier.0.weight',
  'classifier.3.bias',
  'classifier.3.weight',
  'classifier.6.bias',
  'classifier.6.weight',
];

describe('vgg (Simonyan and Zisserman 2015, Table 1 / torchvision)', () => {
  it.each([
    [11, false, 132863336],
    [11, true, 132868840],
    [13, false, 133047848],
    [13, true, 133053736],
    [16, false, 138357544],
    [16, true, 138365992],
    [19, false, 143667240],
    [19, true, 143678248],
  ])('vgg%i (bn: %s) has %i params (torchvision)', (depth, batchNorm, count) => {
    const net = vgg({ depth, batchNorm });
    expect(paramCount(net, IMAGENET)).toBe(count);
    expect(net.describe(IMAGENET).outShape).toEqual([1000]);
  });

  it('vgg16 has exactly torchvision keys: features.0 … features.28, classifier.0/3/6', () => {
    const convs = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
    const expected = [...convs.flatMap((i) => [`features.${i}.weight`, `features.${i}.bias`]), ...CLASSIFIER].sort();
    expect(keysOf(vgg({ depth: 16 }), IMAGENET)).toEqual(expected);
  });

  it('vgg16_bn has torchvision keys: conv at 3k, BN at 3k + 1, max pools in between', () => {
    const convs = [0, 3, 7, 10, 14, 17, 20, 24, 27, 30, 34, 37, 40];
    const expected = [
      ...convs.flatMap((i) => [`features.${i}.weight`, `features.${i}.bias`, ...bnKeys(`features.${i + 1}`)]),
      ...CLASSIFIER,
    ].sort();
    expect(keysOf(vgg({ depth: 16, batchNorm: true }), IMAGENET)).toEqual(expected);
  });

  it('vgg11 and vgg19 conv indices match torchvision', () => {
    const conv = (depth: number) =>
      keysOf(vgg({ depth }), IMAGENET)
        .filter((k) => k.startsWith('features.') && k.endsWith('.weight'))
        .map((k) => Number(k.split('.')[1]))
        .sort((a, b) => a - b);
    expect(conv(11)).toEqual([0, 3, 6, 8, 11, 13, 16, 18]);
    expect(conv(19)).toEqual([0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]);
  });

  it('has torchvision shapes: 7x7 adaptive pool, 25088-wide classifier', () => {
    const sd = new Map(stateDictShapes(vgg({ depth: 16 }), IMAGENET).map((e) => [e.key, e.shape]));
    expect(sd.get('features.28.weight')).toEqual([512, 512, 3, 3]);
    expect(sd.get('classifier.0.weight')).toEqual([4096, 25088]);
    expect(sd.get('classifier.6.weight')).toEqual([1000, 4096]);
    const rows = vgg({ depth: 16 }).describe(IMAGENET).children ?? [];
    expect(Object.fromEntries(rows.map((c) => [c.name, c.info.outShape]))).toMatchObject({
      features: [512, 7, 7],
      avgpool: [512, 7, 7],
      flatten: [25088],
    });
  });

  it('the CIFAR head is one linear layer on the 512 features', () => {
    const net = vgg({ depth: 16, head: 'cifar' });
    expect(net.describe([3, 32, 32]).outShape).toEqual([10]);
    expect(paramCount(net, [3, 32, 32])).toBe(14719818);
    expect(paramCount(vgg({ depth: 16, head: 'cifar', batchNorm: true }), [3, 32, 32])).toBe(14728266);
    expect(keysOf(net, [3, 32, 32]).filter((k) => !k.startsWith('features.'))).toEqual([
      'classifier.bias',
      'classifier.weight',
    ]);
  });

  it('rejects unknown depths and heads', () => {
    expect(() => vgg({ depth: 17 })).toThrow(/unknown depth 17; expected one of 11, 13, 16, 19/);
    expect(() => vgg({ head: 'tiny' as 'cifar' })).toThrow(/unknown head 'tiny'/);
    expect(() => vgg({ width: 0 })).toThrow(/width = 0/);
    expect(() => vgg({ dropout: 1 })).toThrow(/dropout = 1/);
  });

  it('a narrow vgg11-cifar (with and without BN) runs forward and backward, and one SGD step lowers the loss', () => {
    for (const batchNorm of [false, true]) {
      const r = sgdStep(vgg({ depth: 11, batchNorm, head: 'cifar', width: 1 / 8 }), [3, 32, 32], 10, 2, 0.05);
      expect(r.outShape).toEqual([2, 10]);
      expect([...r.paramPaths, ...r.statePaths].sort()).toEqual(r.describedKeys);
      expect(r.after).toBeLessThan(r.before);
    }
  });

  it('the ImageNet head (narrow, 32x32 input upsampled to 7x7 by the adaptive pool) trains with dropout', () => {
    const r = sgdStep(vgg({ depth: 11, width: 1 / 32, numClasses: 10 }), [3, 32, 32], 10, 2, 0.05);
    expect(r.outShape).toEqual([2, 10]);
    expect(r.gradPaths).toEqual(r.paramPaths);
    expect(r.after).toBeLessThan(r.before);
  });
});
