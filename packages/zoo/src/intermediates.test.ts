/** @file The zoo's models stay visible to `intermediates` (their children pass through the input-channel check). */
import { key, random, type Tensor } from '@tapenet/autodiff';
import { conv2d, forwardTo, intermediates, layerPaths } from '@tapenet/layers';
import { describe, expect, it } from 'vitest';
import { lenet5 } from './lenet.js';
import { zoo } from './registry.js';
import { resnet } from './resnet.js';

const EVAL = { train: false } as const;
type Rec = { readonly [k: string]: unknown };
const at = (tree: unknown, path: string): unknown =>
  path.split('.').reduce((t, k) => (t as Rec | readonly unknown[])[k as never], tree);

describe('intermediates of zoo models', () => {
  it('every registered model lists its top-level layers as children', () => {
    for (const { name, inputShape } of zoo.list()) {
      const model = zoo.get(name);
      const top = (model.describe(inputShape).children ?? []).map((c) => c.name);
      expect(top.length, name).toBeGreaterThan(1);
      expect(
        layerPaths(model).filter((p) => !p.includes('.')),
        name,
      ).toEqual(top);
    }
  });

  it('resnet18 (narrow, 32x32): layer1.0.conv1 is the 3x3 conv of the max-pooled stem, and fc the output', () => {
    const model = resnet({ depth: 18, baseWidth: 4, numClasses: 10 });
    const { params, state } = model.init(key(0), [3, 32, 32]);
    const x = random.normal(key(1), [2, 3, 32, 32]);
    const paths = layerPaths(model);
    expect(paths).toContain('layer1.0.conv1');
    expect(paths).toContain('layer2.0.downsample.1');
    const maps = forwardTo(model, params, state, x, 'layer1.0.conv1');
    expect(maps.shape).toEqual([2, 4, 8, 8]);
    const acts = intermediates(model, params, state, x, EVAL);
    const conv = conv2d({ out: 4, kernel: 3, padding: 1, bias: false });
    const byHand = conv.apply(at(params, 'layer1.0.conv1') as never, {}, acts.get('maxpool') as Tensor, EVAL).y;
    expect(maps.toArray()).toEqual(byHand.toArray());
    expect((acts.get('fc') as Tensor).toArray()).toEqual(model.apply(params, state, x, EVAL).y.toArray());
    expect([...acts.keys()]).toEqual(paths);
  });

  it('lenet5: conv2 is the 5x5 conv of pool1, and an unknown layer lists the paths', () => {
    const model = lenet5();
    const { params, state } = model.init(key(2), [1, 28, 28]);
    const x = random.normal(key(3), [2, 1, 28, 28]);
    const maps = forwardTo(model, params, state, x, 'conv2');
    expect(maps.shape).toEqual([2, 16, 10, 10]);
    const pool1 = forwardTo(model, params, state, x, 'pool1');
    const byHand = conv2d({ out: 16, kernel: 5 }).apply(at(params, 'conv2') as never, {}, pool1, EVAL).y;
    expect(maps.toArray()).toEqual(byHand.toArray());
    expect(() => forwardTo(model, params, state, x, 'conv9')).toThrow(
      /no layer 'conv9' in this model; its paths are conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc1/,
    );
  });
});
