/** @file CIFAR ResNets (He et al. 2015 section 4.2): counts, keys, option-A shortcuts, one SGD step. */
import { key, random, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { bnKeys, keysOf, paramCount, sgdStep } from '../test/helpers.js';
import { cifarResnet, zeroPadShortcut } from './cifar-resnet.js';

const CIFAR = [3, 32, 32];

/** torchvision-style keys of a CIFAR ResNet with option-A shortcuts (no downsample params). */
function expectedKeys(n: number): string[] {
  const keys = ['conv1.weight', ...bnKeys('bn1'), 'fc.weight', 'fc.bias'];
  for (let s = 1; s <= 3; s++)
    for (let b = 0; b < n; b++)
      for (const i of [1, 2]) keys.push(`layer${s}.${b}.conv${i}.weight`, ...bnKeys(`layer${s}.${b}.bn${i}`));
  return keys.sort();
}

describe('cifarResnet', () => {
  it.each([
    [20, 269722],
    [32, 464154],
    [44, 658586],
    [56, 853018],
    [110, 1727962],
  ])('resnet%i has %i params (the paper: 0.27M … 1.7M) and outputs [10]', (depth, count) => {
    const net = cifarResnet({ depth });
    expect(paramCount(net, CIFAR)).toBe(count);
    expect(net.describe(CIFAR).outShape).toEqual([10]);
    expect(keysOf(net, CIFAR)).toEqual(expectedKeys((depth - 2) / 6));
  });

  it('has three stages at 16/32/64 channels on 32/16/8 maps', () => {
    const rows = cifarResnet().describe(CIFAR).children ?? [];
    expect(Object.fromEntries(rows.map((c) => [c.name, c.info.outShape]))).toMatchObject({
      conv1: [16, 32, 32],
      layer1: [16, 32, 32],
      layer2: [32, 16, 16],
      layer3: [64, 8, 8],
      avgpool: [64],
      fc: [10],
    });
  });

  it('option A subsamples and zero-pads the channels', () => {
    const layer = zeroPadShortcut(4, 2);
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
        [
          [0, 0, 0],
          [0, 1, 0],
          [0, 0, 0],
        ],
      ],
    ]);
    expect(layer.describe([2, 3, 3]).outShape).toEqual([4, 2, 2]);
    const y = layer.apply({}, {}, x, { train: false }).y;
    expect(y.toArray()).toEqual([
      [
        [
          [0, 0],
          [0, 0],
        ],
        [
          [1, 3],
          [7, 9],
        ],
        [
          [0, 0],
          [0, 0],
        ],
        [
          [0, 0],
          [0, 0],
        ],
      ],
    ]);
  });

  it('option B adds projection shortcuts named downsample', () => {
    const keys = keysOf(cifarResnet({ shortcut: 'B' }), CIFAR);
    expect(keys).toContain('layer2.0.downsample.0.weight');
    expect(keys).toContain('layer3.0.downsample.1.running_var');
    expect(keys).not.toContain('layer1.0.downsample.0.weight');
    expect(paramCount(cifarResnet({ shortcut: 'B' }), CIFAR)).toBe(269722 + 16 * 32 + 64 + 32 * 64 + 128);
  });

  it('resnet20 runs forward and backward on a batch of 2, and one SGD step lowers the loss', () => {
    const r = sgdStep(cifarResnet({ depth: 20 }), CIFAR, 10, 2, 0.01);
    expect(r.outShape).toEqual([2, 10]);
    expect(r.gradPaths).toEqual(r.paramPaths);
    expect([...r.paramPaths, ...r.statePaths].sort()).toEqual(r.describedKeys);
    expect(r.after).toBeLessThan(r.before);
  });

  it('option B trains too, and evaluation mode uses the running statistics', () => {
    const net = cifarResnet({ depth: 8, shortcut: 'B', baseWidth: 4 });
    expect(sgdStep(net, CIFAR, 10, 2, 0.01).after).toBeLessThan(sgdStep(net, CIFAR, 10, 2, 0).after);
    const { params, state } = net.init(key(0), CIFAR);
    const x = random.normal(key(1), [2, ...CIFAR]);
    const a = net.apply(params, state, x, { train: false }).y.toArray();
    expect(net.apply(params, state, x, { train: false }).y.toArray()).toEqual(a);
  });

  it('rejects depths that are not 6n + 2', () => {
    expect(() => cifarResnet({ depth: 18 })).toThrow(/depth 18 must be 6n \+ 2/);
    expect(() => cifarResnet({ shortcut: 'C' as 'A' })).toThrow(/unknown shortcut 'C'/);
  });
});
