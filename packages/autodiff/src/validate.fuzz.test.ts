/**
 * @file Fuzzes the argument validation of the public ops: each case puts junk (`arbJunk`) in one argument,
 * the others valid, and the call must return a sound result or throw a ShapeError naming the op and an
 * argument (`checkArgOutcome`). Kept to a few thousand small calls so it runs in a few seconds; no case
 * lets a junk number ask for a valid but huge tensor (the suite shares the machine).
 */
import { test } from '@fast-check/vitest';
import { describe } from 'vitest';
import * as ops from './ops/index.js';
import { random } from './index.js';
import { key } from './random/keys.js';
import { arange, full, ones, scalar, tensor, zeros } from './tensor.js';
import { arbJunk, checkArgOutcome } from './testing/junk.js';

// biome-ignore lint/suspicious/noExplicitAny: junk goes where plain JavaScript would put it
type J = any;

const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const img = tensor(
  Float32Array.from({ length: 16 }, (_, i) => i / 4),
  { shape: [1, 1, 4, 4] },
);
const w = ones([1, 1, 3, 3]);
const idx = tensor([0, 1], { dtype: 'int32' });

const xT = ops.transpose(x);

/** [op, arguments the error may name, call with junk j in one argument, whether NaN may come out]. */
const CASES: readonly [string, readonly string[], (j: J) => unknown, boolean?][] = [
  ['tensor', ['values'], (j) => tensor(j), true], // an array of numbers is valid, NaN included
  ['tensor', ['opts', 'dtype', 'shape', 'values'], (j) => tensor([1, 2], j)],
  ['tensor', ['dtype'], (j) => tensor([1, 2], { dtype: j })],
  ['tensor', ['shape'], (j) => tensor([1, 2, 3, 4], { shape: j })],
  ['full', ['shape'], (j) => full(j, 1)],
  ['full', ['value'], (j) => full([2], j)],
  ['zeros', ['dtype'], (j) => zeros([2], j)],
  ['scalar', ['value'], (j) => scalar(j)],
  ['arange', ['start', 'step'], (j) => arange(j, 4)], // (a junk stop could ask for a valid 10⁹ elements)
  ['arange', ['step'], (j) => arange(0, 4, j)],
  ['add', ['b'], (j) => ops.add(x, j)],
  ['mul', ['a'], (j) => ops.mul(j, x)],
  ['maximum', ['b'], (j) => ops.maximum(x, j)],
  ['exp', ['x'], (j) => ops.exp(j)],
  ['where', ['cond', 'b'], (j) => ops.where(j, x, 0)],
  ['cast', ['dtype'], (j) => ops.cast(x, j)],
  ['sum', ['axes'], (j) => ops.sum(x, j)],
  ['sum', ['opts', 'keepDims'], (j) => ops.sum(x, 0, j)],
  ['max', ['keepDims'], (j) => ops.max(x, 1, { keepDims: j })],
  ['mean', ['axes'], (j) => ops.mean(x, j)],
  ['argmax', ['axis'], (j) => ops.argmax(x, j)],
  ['softmax', ['axis'], (j) => ops.softmax(x, j)],
  ['logSumExp', ['axes'], (j) => ops.logSumExp(x, j)],
  ['reshape', ['shape'], (j) => ops.reshape(x, j)],
  ['transpose', ['perm'], (j) => ops.transpose(x, j)],
  ['broadcastTo', ['shape', 'x'], (j) => ops.broadcastTo(ones([1]), j)],
  ['slice', ['begin', 'begin/size'], (j) => ops.slice(x, j)],
  ['slice', ['size', 'begin/size'], (j) => ops.slice(x, [0, 0], j)],
  ['concat', ['xs'], (j) => ops.concat(j)],
  ['concat', ['axis'], (j) => ops.concat([x, x], j)],
  ['pad', ['pads'], (j) => ops.pad(x, j)],
  ['pad', ['pads'], (j) => ops.pad(x, [j, [0, 0]])],
  [
    'pad',
    ['mode'],
    (j) =>
      ops.pad(
        x,
        [
          [1, 1],
          [0, 0],
        ],
        j,
      ),
  ],
  [
    'pad',
    ['value'],
    (j) =>
      ops.pad(
        x,
        [
          [1, 1],
          [0, 0],
        ],
        'constant',
        j,
      ),
  ],
  ['expandDims', ['axis'], (j) => ops.expandDims(x, j)],
  ['squeeze', ['axes'], (j) => ops.squeeze(x, j)],
  ['stack', ['axis'], (j) => ops.stack([x, x], j)],
  ['split', ['sizes'], (j) => ops.split(x, j, 1)],
  ['flatten', ['start'], (j) => ops.flatten(x, j)],
  ['flatten', ['end'], (j) => ops.flatten(x, 0, j)],
  ['matmul', ['b'], (j) => ops.matmul(x, j)],
  ['matmul', ['opts'], (j) => ops.matmul(x, xT, j)],
  ['matmul', ['transposeB', 'b'], (j) => ops.matmul(x, x, { transposeB: j })],
  ['gather', ['axis'], (j) => ops.gather(x, idx, j)],
  ['oneHot', ['depth'], (j) => ops.oneHot(ops.concat([idx, idx]), j)], // 4 indices: a depth of 10⁹ is too big
  ['oneHot', ['dtype'], (j) => ops.oneHot(idx, 3, j)],
  ['conv2d', ['opts'], (j) => ops.conv2d(img, w, j)],
  ['conv2d', ['stride'], (j) => ops.conv2d(img, w, { stride: j })],
  ['conv2d', ['padding'], (j) => ops.conv2d(img, w, { padding: j })],
  ['conv2d', ['dilation', 'x'], (j) => ops.conv2d(img, w, { dilation: j })],
  ['conv2d', ['groups'], (j) => ops.conv2d(img, w, { groups: j })],
  ['conv2d', ['bias'], (j) => ops.conv2d(img, w, { bias: j })],
  ['maxPool2d', ['kernel', 'x', 'padding'], (j) => ops.maxPool2d(img, j)],
  ['maxPool2d', ['padding'], (j) => ops.maxPool2d(img, 2, { padding: j })],
  ['avgPool2d', ['stride'], (j) => ops.avgPool2d(img, 2, { stride: j })],
  ['avgPool2d', ['countIncludePad'], (j) => ops.avgPool2d(img, 2, { countIncludePad: j })],
  ['batchNorm', ['eps'], (j) => ops.batchNorm(img, ones([1]), zeros([1]), { eps: j })],
  ['uniform', ['shape'], (j) => random.uniform(key(0), j)],
  ['normal', ['dtype'], (j) => random.normal(key(0), [2], 0, 1, { dtype: j })],
];

describe('public ops under junk arguments', () => {
  for (const [op, args, call, nanOk] of CASES) {
    test.prop([arbJunk()], { numRuns: 40 })(`${op}(${args[0]} = junk)`, (j) => {
      checkArgOutcome(op, j, () => call(j), nanOk ? { args, nanOk } : { args });
    });
  }
});
