/** @file ImageNet ResNets: torchvision parameter counts and keys by shape inference; small forward/backward runs. */
import { key as keyOf, withBackend } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { bnKeys, keysOf, paramCount, sgdStep } from '../test/helpers.js';
import { resnet } from './resnet.js';
import { stateDictShapes } from './state-dict.js';
import { paramAt } from './types.js';

/**
 * torchvision's ResNet state_dict keys, written from torchvision.models.resnet (`_make_layer`: block 0 of
 * layers 2–4, and of layer1 for bottlenecks, has `downsample.0` (conv) and `downsample.1` (BN)).
 */
function torchvisionKeys(blocks: readonly number[], bottleneck: boolean): string[] {
  const keys = ['conv1.weight', ...bnKeys('bn1'), 'fc.weight', 'fc.bias'];
  blocks.forEach((n, s) => {
    for (let b = 0; b < n; b++) {
      const p = `layer${s + 1}.${b}`;
      for (const i of bottleneck ? [1, 2, 3] : [1, 2]) keys.push(`${p}.conv${i}.weight`, ...bnKeys(`${p}.bn${i}`));
      if (b === 0 && (s > 0 || bottleneck)) keys.push(`${p}.downsample.0.weight`, ...bnKeys(`${p}.downsample.1`));
    }
  });
  return keys.sort();
}

const IMAGENET = [3, 224, 224];

describe('resnet (ImageNet, He et al. 2015 Table 1 / torchvision)', () => {
  it.each([
    [18, 11689512],
    [34, 21797672],
    [50, 25557032],
    [101, 44549160],
    [152, 60192808],
  ])('resnet%i has %i params (torchvision) and outputs [1000]', (depth, count) => {
    const net = resnet({ depth });
    expect(paramCount(net, IMAGENET)).toBe(count);
    expect(net.describe(IMAGENET).outShape).toEqual([1000]);
  });

  it.each([
    [18, [2, 2, 2, 2], false],
    [34, [3, 4, 6, 3], false],
    [50, [3, 4, 6, 3], true],
    [101, [3, 4, 23, 3], true],
    [152, [3, 8, 36, 3], true],
  ] as const)('resnet%i has exactly torchvision state_dict keys', (depth, blocks, bottleneck) => {
    expect(keysOf(resnet({ depth }), IMAGENET)).toEqual(torchvisionKeys(blocks, bottleneck));
  });

  it('resnet18 keys literally, with torchvision shapes', () => {
    const sd = new Map(stateDictShapes(resnet({ depth: 18 }), IMAGENET).map((e) => [e.key, e]));
    expect(sd.size).toBe(122);
    expect(sd.get('conv1.weight')?.shape).toEqual([64, 3, 7, 7]);
    expect(sd.get('bn1.num_batches_tracked')).toEqual({ key: 'bn1.num_batches_tracked', shape: [], kind: 'state' });
    expect(sd.get('layer1.0.conv1.weight')?.shape).toEqual([64, 64, 3, 3]);
    expect(sd.get('layer2.0.downsample.0.weight')?.shape).toEqual([128, 64, 1, 1]);
    expect(sd.get('layer2.0.downsample.1.running_var')?.shape).toEqual([128]);
    expect(sd.get('layer4.1.bn2.running_mean')?.kind).toBe('state');
    expect(sd.get('fc.weight')?.shape).toEqual([1000, 512]);
    expect(sd.has('layer1.0.downsample.0.weight')).toBe(false);
    const r50 = new Map(stateDictShapes(resnet({ depth: 50 }), IMAGENET).map((e) => [e.key, e.shape]));
    expect(r50.get('layer1.0.downsample.0.weight')).toEqual([256, 64, 1, 1]);
    expect(r50.get('layer3.5.conv2.weight')).toEqual([256, 256, 3, 3]);
    expect(r50.get('fc.weight')).toEqual([1000, 2048]);
  });

  it('has the stage shapes of Table 1 at 224x224', () => {
    const rows = resnet({ depth: 50 })
      .describe(IMAGENET)
      .children?.map((c) => [c.name, c.info.outShape]);
    expect(Object.fromEntries(rows ?? [])).toMatchObject({
      conv1: [64, 112, 112],
      maxpool: [64, 56, 56],
      layer1: [256, 56, 56],
      layer2: [512, 28, 28],
      layer3: [1024, 14, 14],
      layer4: [2048, 7, 7],
      avgpool: [2048],
      fc: [1000],
    });
  });

  it('follows numClasses, inChannels and zeroInitResidual', () => {
    const net = resnet({ depth: 18, numClasses: 10, inChannels: 1 });
    expect(paramCount(net, [1, 224, 224])).toBe(11689512 - 513 * 990 - 2 * 64 * 49);
    expect(() => net.describe(IMAGENET)).toThrow(/built for 1 input channels/);
    const { params } = resnet({ layers: [1, 1], baseWidth: 4, zeroInitResidual: true, numClasses: 3 }).init(
      keyOf(0),
      [3, 32, 32],
    );
    expect(paramAt(params, 'layer1.0.bn2.weight').toArray()).toEqual([0, 0, 0, 0]);
    expect(paramAt(params, 'layer1.0.bn1.weight').toArray()).toEqual([1, 1, 1, 1]);
    expect(() => paramAt(params, 'layer1.0.bn9.weight')).toThrow(/paramAt: no tensor at 'layer1.0.bn9.weight'/);
    expect(() => paramAt(params, 'layer1.0.bn1')).toThrow(/no tensor/);
  });

  it('rejects unknown depths and bad configurations', () => {
    expect(() => resnet({ depth: 20 })).toThrow(/unknown depth 20; expected one of 18, 34, 50, 101, 152/);
    expect(() => resnet({ layers: [] })).toThrow(/at least one stage/);
    expect(() => resnet({ numClasses: 1.5 })).toThrow(/numClasses = 1.5/);
    expect(() => resnet({ stem: 'tiny' as 'cifar' })).toThrow(/unknown stem 'tiny'/);
  });

  it('resnet18 runs forward and backward at 32x32, and one SGD step lowers the loss', () => {
    // Full width: 0.6 GFLOP a step, so it runs on the fast wasm backend (the reference backend needs
    // about 10 s alone and over a minute on a loaded CI machine); every kernel there is conformance-tested.
    const r = withBackend('wasm', () => sgdStep(resnet({ depth: 18, numClasses: 10 }), [3, 32, 32], 10, 2, 0.01));
    expect(r.outShape).toEqual([2, 10]);
    expect(r.gradPaths).toEqual(r.paramPaths);
    expect([...r.paramPaths, ...r.statePaths].sort()).toEqual(r.describedKeys);
    expect(r.after).toBeLessThan(r.before);
  });

  it('a bottleneck ResNet runs forward and backward, and one SGD step lowers the loss', () => {
    const net = resnet({ layers: [1, 1, 1, 1], block: 'bottleneck', baseWidth: 8, numClasses: 5 });
    const r = sgdStep(net, [3, 32, 32], 5, 2, 0.01);
    expect(r.outShape).toEqual([2, 5]);
    expect([...r.paramPaths, ...r.statePaths].sort()).toEqual(r.describedKeys);
    expect(r.after).toBeLessThan(r.before);
  });

  it('the CIFAR stem keeps the keys and drops the max pool', () => {
    const net = resnet({ depth: 18, stem: 'cifar', numClasses: 10 });
    expect(keysOf(net, [3, 32, 32])).toEqual(torchvisionKeys([2, 2, 2, 2], false));
    expect(paramCount(net, [3, 32, 32])).toBe(11173962);
    const r = sgdStep(resnet({ depth: 18, stem: 'cifar', baseWidth: 4, numClasses: 10 }), [3, 32, 32], 10, 2, 0.01);
    expect(r.after).toBeLessThan(r.before);
  });
});
