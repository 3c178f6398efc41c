/** @file Intermediate activations agree with the whole model and with the layers run by hand. */
import { add, conv2d, key, random, relu, reshape } from '@tapenet/autodiff';
import { conv2d as conv, dense, flatten, maxPool2d, named, relu as reluLayer, serial } from '@tapenet/layers';
import { describe, expect, it } from 'vitest';
import { activations, forwardTo, stageNames } from './stages.js';

const stages = {
  conv1: conv({ out: 3, kernel: 3, padding: 1 }),
  relu1: reluLayer,
  pool1: maxPool2d(2),
  flatten,
  fc: dense(4),
};
const model = named(stages);
const { params, state } = model.init(key(0), [1, 6, 6]);
const x = random.normal(key(1), [2, 1, 6, 6]);

describe('forwardTo / activations', () => {
  it('the last stage gives the model output, an inner stage what its layers give by hand', () => {
    expect(forwardTo(stages, params, state, x, 'fc').toArray()).toEqual(
      model.apply(params, state, x, { train: false }).y.toArray(),
    );
    const { weight, bias } = params.conv1;
    const byHand = relu(add(conv2d(x, weight, { padding: 1 }), reshape(bias!, [1, 3, 1, 1])));
    expect(forwardTo(stages, params, state, x, 'relu1').toArray()).toEqual(byHand.toArray());
  });

  it('lists every stage output in order with its shape', () => {
    const all = activations(stages, params, state, x);
    expect(all.map((a) => [a.name, a.y.shape])).toEqual([
      ['conv1', [2, 3, 6, 6]],
      ['relu1', [2, 3, 6, 6]],
      ['pool1', [2, 3, 3, 3]],
      ['flatten', [2, 27]],
      ['fc', [2, 4]],
    ]);
  });

  it('works for serial models with index names', () => {
    const list = [conv({ out: 2, kernel: 3 }), reluLayer, flatten] as const;
    const net = serial(...list);
    const init = net.init(key(2), [1, 5, 5]);
    expect(stageNames(list)).toEqual(['0', '1', '2']);
    expect(
      forwardTo(list, init.params, init.state, x.shape[0] ? random.normal(key(3), [1, 1, 5, 5]) : x, '1').shape,
    ).toEqual([1, 2, 3, 3]);
  });

  it('names unknown layers and mismatched params', () => {
    expect(() => forwardTo(stages, params, state, x, 'conv9')).toThrow(
      /layer 'conv9' is not a stage of this model; stages are conv1, relu1/,
    );
    expect(() => forwardTo(stages, { conv1: params.conv1 }, state, x, 'fc')).toThrow(
      /params or state has no entry 'relu1'/,
    );
  });
});
