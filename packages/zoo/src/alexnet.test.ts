/** @file AlexNet: torchvision's count and keys by shape inference; narrow forward/backward runs. */
import { describe, expect, it } from 'vitest';
import { keysOf, paramCount, sgdStep } from '../test/helpers.js';
import { alexnet } from './alexnet.js';
import { stateDictShapes } from './state-dict.js';

const IMAGENET = [3, 224, 224];
const KEYS = [
  'features.0.weight',
  'features.0.bias',
  'features.3.weight',
  'features.3.bias',
  'features.6.weight',
  'features.6.bias',
  'features.8.weight',
  'features.8.bias',
  'features.10.weight',
  'features.10.bias',
  'classifier.1.weight',
  'classifier.1.bias',
  'classifier.4.weight',
  'classifier.4.bias',
  'classifier.6.weight',
  'classifier.6.bias',
].sort();

describe('alexnet', () => {
  it('has 61,100,840 params, torchvision keys and shapes', () => {
    const net = alexnet();
    expect(paramCount(net, IMAGENET)).toBe(61100840);
    expect(net.describe(IMAGENET).outShape).toEqual([1000]);
    expect(keysOf(net, IMAGENET)).toEqual(KEYS);
    expect(keysOf(alexnet({ lrn: true }), IMAGENET)).toEqual(KEYS);
    const sd = new Map(stateDictShapes(net, IMAGENET).map((e) => [e.key, e.shape]));
    expect(sd.get('features.0.weight')).toEqual([64, 3, 11, 11]);
    expect(sd.get('classifier.1.weight')).toEqual([4096, 9216]);
    const rows = net.describe(IMAGENET).children ?? [];
    expect(Object.fromEntries(rows.map((c) => [c.name, c.info.outShape]))).toMatchObject({
      features: [256, 6, 6],
      avgpool: [256, 6, 6],
      flatten: [9216],
    });
  });

  it('the CIFAR variant keeps the keys, maps 32x32 to 3x3 and has 5,871,434 params', () => {
    const net = alexnet({ variant: 'cifar' });
    expect(keysOf(net, [3, 32, 32])).toEqual(KEYS);
    expect(net.describe([3, 32, 32]).children?.find((c) => c.name === 'features')?.info.outShape).toEqual([256, 3, 3]);
    expect(paramCount(net, [3, 32, 32])).toBe(5871434);
  });

  it('rejects bad configurations', () => {
    expect(() => alexnet({ variant: 'mnist' as 'cifar' })).toThrow(/unknown variant 'mnist'/);
    expect(() => alexnet({ hidden: 0 })).toThrow(/hidden = 0/);
    expect(() => alexnet({ inChannels: 1 }).describe(IMAGENET)).toThrow(/built for 1 input channels/);
  });

  it('a narrow ImageNet AlexNet (64x64 input) runs forward and backward with dropout and LRN; SGD lowers the loss', () => {
    const net = alexnet({ width: 1 / 8, hidden: 64, numClasses: 10, lrn: true });
    const r = sgdStep(net, [3, 64, 64], 10, 2, 0.05);
    expect(r.outShape).toEqual([2, 10]);
    expect(r.gradPaths).toEqual(r.paramPaths);
    expect([...r.paramPaths].sort()).toEqual(r.describedKeys);
    expect(r.after).toBeLessThan(r.before);
  });

  it('a narrow CIFAR AlexNet runs forward and backward; SGD lowers the loss', () => {
    const r = sgdStep(alexnet({ variant: 'cifar', width: 1 / 8, hidden: 64 }), [3, 32, 32], 10, 2, 0.05);
    expect(r.outShape).toEqual([2, 10]);
    expect(r.after).toBeLessThan(r.before);
  });
});
