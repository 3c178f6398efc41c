/**
 * @file Fuzzes the layer constructors' config validation: junk (`arbJunk`) in one config field, the rest
 * valid; constructing, describing and applying the layer must succeed soundly or throw a ShapeError naming
 * the layer and the field (`checkArgOutcome`).
 */
import { test } from '@fast-check/vitest';
import { key, random } from '@tapenet/autodiff';
import { arbJunk, checkArgOutcome } from '@tapenet/autodiff/testing';
import { describe } from 'vitest';
import * as L from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: junk goes where plain JavaScript would put it
type J = any;

const x = random.normal(key(1), [1, 2, 6, 6]);

/** Builds, describes, initialises and applies a layer on `x` ([2, 6, 6] per example). */
const run = (layer: L.AnyLayer) => {
  layer.describe([2, 6, 6]);
  const { params, state } = layer.init(key(0), [2, 6, 6]);
  return layer.apply(params, state, x, { train: true, key: key(2) }).y;
};

const CASES: readonly [string, readonly string[], (j: J) => unknown][] = [
  ['conv2d', ['config', 'out'], (j) => run(L.conv2d(j))],
  ['conv2d', ['out'], (j) => run(L.conv2d({ out: j, kernel: 3 }))],
  ['conv2d', ['kernel', 'inShape'], (j) => run(L.conv2d({ out: 2, kernel: j }))],
  ['conv2d', ['stride'], (j) => run(L.conv2d({ out: 2, kernel: 3, stride: j }))],
  ['conv2d', ['padding'], (j) => run(L.conv2d({ out: 2, kernel: 3, padding: j }))],
  ['conv2d', ['paddingMode'], (j) => run(L.conv2d({ out: 2, kernel: 3, padding: 1, paddingMode: j }))],
  ['conv2d', ['dilation', 'inShape'], (j) => run(L.conv2d({ out: 2, kernel: 3, dilation: j }))],
  ['conv2d', ['groups'], (j) => run(L.conv2d({ out: 2, kernel: 3, groups: j }))],
  ['conv2d', ['bias'], (j) => run(L.conv2d({ out: 2, kernel: 3, bias: j }))],
  ['conv2d', ['init'], (j) => run(L.conv2d({ out: 2, kernel: 3, init: j }))],
  ['locallyConnected2d', ['padding'], (j) => run(L.locallyConnected2d({ out: 2, kernel: 3, padding: j }))],
  ['dense', ['units'], (j) => run(L.serial(L.flatten, L.dense(j)))],
  ['dense', ['config', 'bias'], (j) => run(L.serial(L.flatten, L.dense(3, j)))],
  ['maxPool2d', ['kernel', 'inShape', 'padding'], (j) => run(L.maxPool2d(j))],
  ['maxPool2d', ['config', 'stride'], (j) => run(L.maxPool2d(2, j))],
  ['maxPool2d', ['padding'], (j) => run(L.maxPool2d(2, { padding: j }))],
  ['avgPool2d', ['countIncludePad'], (j) => run(L.avgPool2d(2, { countIncludePad: j }))],
  ['adaptiveAvgPool2d', ['size'], (j) => run(L.adaptiveAvgPool2d(j))],
  ['dropout', ['p'], (j) => run(L.dropout(j))],
  ['batchNorm', ['config', 'momentum', 'eps'], (j) => run(L.batchNorm(j))],
  ['batchNorm', ['momentum'], (j) => run(L.batchNorm({ momentum: j }))],
  ['localResponseNorm', ['size'], (j) => run(L.localResponseNorm(j))],
  ['leakyRelu', ['slope'], (j) => run(L.leakyRelu(j))],
  ['softmax', ['axis'], (j) => run(L.softmax(j))],
  ['fanOut', ['n'], (j) => run(L.serial(L.fanOut(j), L.fanInSum))],
  ['fanInConcat', ['axis'], (j) => run(L.serial(L.fanOut(2), L.fanInConcat(j)))],
  ['serial', ['layers'], (j) => run(L.serial(L.relu, j))],
  ['heNormal', ['opts', 'mode', 'nonlinearity'], (j) => L.heNormal(j)],
  ['heNormal', ['mode'], (j) => L.heNormal({ mode: j })],
  ['mse', ['opts', 'reduction'], (j) => L.mse(x, x, j)],
  ['mse', ['reduction'], (j) => L.mse(x, x, { reduction: j })],
  ['topKAccuracy', ['k'], (j) => L.topKAccuracy(random.normal(key(3), [2, 3]), random.randint(key(4), [2], 0, 3), j)],
];

describe('layer constructors under junk configs', () => {
  for (const [layer, args, call] of CASES) {
    test.prop([arbJunk()], { numRuns: 25 })(`${layer}(${args[0]} = junk)`, (j) => {
      checkArgOutcome(layer, j, () => call(j), { args });
    });
  }
});
