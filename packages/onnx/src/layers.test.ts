/**
 * Layer-level cases, each exported and run in ONNX Runtime at a batch size neither trace used, and
 * compared with tapenet's forward pass (reference backend, float32, eval mode).
 */
import { key } from '@tapenet/autodiff';
import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  type AnyLayer,
  avgPool2d,
  batchNorm,
  conv2d,
  convTranspose2d,
  dense,
  dropout2d,
  dropout,
  elu,
  fanInConcat,
  fanInSum,
  fanOut,
  flatten,
  gelu,
  geluTanh,
  globalAvgPool,
  groupNorm,
  hardtanh,
  identity,
  instanceNorm,
  layerNorm,
  leakyRelu,
  localResponseNorm,
  locallyConnected2d,
  logSoftmax,
  maxPool2d,
  mish,
  named,
  parallel,
  relu,
  residual,
  scaledTanh,
  selu,
  serial,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
  upsample,
} from '@tapenet/layers';
import { describe, expect, it } from 'vitest';
import { agreement, randomStats, TOLERANCE } from '../test/helpers.js';

type Case = readonly [name: string, layer: AnyLayer, inShape: readonly number[]];

const CASES: readonly Case[] = [
  ['conv stride 2, padding [1, 2]', conv2d({ out: 4, kernel: 3, stride: 2, padding: [1, 2] }), [3, 9, 8]],
  ['conv padding same, stride [2, 1]', conv2d({ out: 4, kernel: [3, 2], stride: [2, 1], padding: 'same' }), [2, 7, 6]],
  ['conv replicate padding', conv2d({ out: 3, kernel: 3, padding: 1, paddingMode: 'replicate' }), [2, 6, 5]],
  ['conv dilation 2', conv2d({ out: 3, kernel: 3, dilation: 2, padding: 2 }), [2, 9, 9]],
  ['conv groups 2, no bias', conv2d({ out: 6, kernel: 3, groups: 2, bias: false }), [4, 6, 6]],
  ['depthwise conv', conv2d({ out: 4, kernel: 3, groups: 4, padding: 1 }), [4, 5, 5]],
  ['max pool 3/2 padding 1', maxPool2d(3, { stride: 2, padding: 1 }), [2, 7, 7]],
  ['max pool dilation 2', maxPool2d(2, { stride: 1, dilation: 2 }), [2, 6, 6]],
  ['avg pool padding 1 (count_include_pad)', avgPool2d(3, { stride: 2, padding: 1 }), [2, 7, 7]],
  [
    'avg pool padding 1, countIncludePad false',
    avgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    [2, 7, 7],
  ],
  ['adaptiveAvgPool2d 7x5 → 3x2', adaptiveAvgPool2d([3, 2]), [2, 7, 5]],
  ['globalAvgPool', globalAvgPool, [3, 4, 5]],
  ['batchNorm 2-d eval', serial(conv2d({ out: 4, kernel: 1 }), batchNorm()), [3, 5, 5]],
  ['batchNorm 1-d eval, no affine', serial(flatten, batchNorm({ affine: false })), [3, 2, 2]],
  ['localResponseNorm (AlexNet)', localResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 }), [7, 4, 4]],
  ['localResponseNorm size 2', localResponseNorm(2, { alpha: 0.5, beta: 0.5, k: 1 }), [3, 3, 3]],
  ['relu', relu, [5, 4]],
  ['leakyRelu 0.2', leakyRelu(0.2), [5, 4]],
  ['elu', elu(1.5), [5, 4]],
  ['gelu (erf composite)', gelu, [5, 4]],
  ['geluTanh', geluTanh, [5, 4]],
  ['softplus', softplus, [5, 4]],
  ['tanh', tanh, [5, 4]],
  ['scaledTanh', scaledTanh, [5, 4]],
  ['sigmoid', sigmoid, [5, 4]],
  ['identity, then relu', serial(identity, relu), [5, 4]],
  ['softmax (last axis)', softmax(), [5, 4]],
  ['softmax axis 1 of [N, C, L]', softmax(1), [5, 4]],
  ['logSoftmax', logSoftmax(), [6]],
  ['dropout is absent in eval', serial(dense(5), dropout(0.5), relu), [6]],
  ['dense on [N, L, F]', dense(3), [4, 6]],
  [
    'residual with a projection shortcut',
    residual(named({ conv: conv2d({ out: 4, kernel: 3, padding: 1 }) }), conv2d({ out: 4, kernel: 1 }), {
      activation: relu,
    }),
    [2, 5, 5],
  ],
  ['residual identity shortcut', residual(named({ fc: dense(6) })), [6]],
  ['fanOut → parallel → fanInSum', serial(fanOut(2), parallel(dense(4), serial(dense(4), tanh)), fanInSum), [6]],
  [
    'fanOut → parallel → fanInConcat',
    serial(
      fanOut(3),
      parallel(conv2d({ out: 2, kernel: 1 }), relu, maxPool2d(3, { stride: 1, padding: 1 })),
      fanInConcat(1),
    ),
    [3, 4, 4],
  ],
  ['locallyConnected2d', locallyConnected2d({ out: 3, kernel: 3, stride: 2, padding: 1 }), [2, 7, 6]],
  ['convTranspose2d stride 2', convTranspose2d({ out: 3, kernel: 2, stride: 2 }), [2, 4, 5]],
  [
    'convTranspose2d padding, outputPadding, dilation, groups',
    convTranspose2d({ out: 4, kernel: 3, stride: 2, padding: 1, outputPadding: 1, dilation: [1, 2], groups: 2 }),
    [2, 4, 3],
  ],
  ['upsample nearest ×2', upsample({ scaleFactor: 2 }), [2, 3, 4]],
  [
    'upsample bilinear 5x7, aligned corners',
    upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }),
    [2, 3, 4],
  ],
  ['upsample bilinear ×2', upsample({ scaleFactor: 2, mode: 'bilinear' }), [2, 3, 4]],
  ['adaptiveMaxPool2d 5x7 → 2x3', adaptiveMaxPool2d([2, 3]), [2, 5, 7]],
  [
    'layerNorm, groupNorm, instanceNorm',
    serial(layerNorm([4, 4]), groupNorm(2), instanceNorm({ affine: true })),
    [4, 4, 4],
  ],
  ['selu silu mish hardtanh', serial(selu, silu, mish, hardtanh(-0.5, 0.7)), [6]],
  ['dropout2d (identity in evaluation)', dropout2d(0.3), [2, 3, 3]],
  ['locallyConnected2d no bias', locallyConnected2d({ out: 2, kernel: 2, bias: false }), [3, 4, 4]],
];

describe('layers exported to ONNX agree with tapenet in ONNX Runtime', () => {
  it.each(CASES)('%s', async (_name, layer, inShape) => {
    const { params, state } = layer.init(key(3), inShape);
    const a = await agreement(layer, params, randomStats(state), inShape);
    expect(a.spread).toBeGreaterThan(0);
    expect(a.rel).toBeLessThanOrEqual(TOLERANCE);
  });
});
