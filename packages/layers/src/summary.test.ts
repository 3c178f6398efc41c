/** @file summary and describe: hand-computed shapes, parameter counts and FLOPs; invalid configurations. */
import { getBackend, key, ShapeError, withBackend } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  conv2d,
  dense,
  flatten,
  globalAvgPool,
  localResponseNorm,
  locallyConnected2d,
  maxPool2d,
  named,
  relu,
  residual,
  serial,
  summary,
  tanh,
} from './index.js';

const lenet5 = serial(
  conv2d({ out: 6, kernel: 5, padding: 2 }),
  tanh,
  avgPool2d(2),
  conv2d({ out: 16, kernel: 5 }),
  tanh,
  avgPool2d(2),
  flatten,
  dense(120),
  tanh,
  dense(84),
  tanh,
  dense(10),
);

/** torchvision's resnet18 layer2.0: a BasicBlock with a 1x1 stride-2 projection shortcut. */
const basicBlock = (out: number, stride: number) =>
  residual(
    named({
      conv1: conv2d({ out, kernel: 3, stride, padding: 1, bias: false }),
      bn1: batchNorm(),
      relu,
      conv2: conv2d({ out, kernel: 3, padding: 1, bias: false }),
      bn2: batchNorm(),
    }),
    serial(conv2d({ out, kernel: 1, stride, bias: false }), batchNorm()),
    { activation: relu },
  );

describe('summary', () => {
  it('LeNet-5: shapes, K·F·F·D_in + K parameters per conv, FLOPs', () => {
    const s = summary(lenet5, [1, 28, 28]);
    expect(s.rows.map((r) => [r.path, r.type, r.outShape, r.params])).toEqual([
      ['0', 'conv2d', [6, 28, 28], 6 * 5 * 5 * 1 + 6],
      ['1', 'tanh', [6, 28, 28], 0],
      ['2', 'avgPool2d', [6, 14, 14], 0],
      ['3', 'conv2d', [16, 10, 10], 16 * 5 * 5 * 6 + 16],
      ['4', 'tanh', [16, 10, 10], 0],
      ['5', 'avgPool2d', [16, 5, 5], 0],
      ['6', 'flatten', [400], 0],
      ['7', 'dense', [120], 400 * 120 + 120],
      ['8', 'tanh', [120], 0],
      ['9', 'dense', [84], 120 * 84 + 84],
      ['10', 'tanh', [84], 0],
      ['11', 'dense', [10], 84 * 10 + 10],
    ]);
    expect(s.totals).toEqual({
      params: 61706,
      state: 0,
      flops: 2 * (25 * 6 * 28 * 28 + 150 * 16 * 10 * 10 + 400 * 120 + 120 * 84 + 84 * 10),
    });
    expect(s.table).toBe(
      [
        'Input: [1, 28, 28]',
        '-----------------------------------------------',
        'Layer  Type       Output shape  Params    FLOPs',
        '-----------------------------------------------',
        '0      conv2d     [6, 28, 28]      156  235,200',
        '1      tanh       [6, 28, 28]        0        0',
        '2      avgPool2d  [6, 14, 14]        0        0',
        '3      conv2d     [16, 10, 10]   2,416  480,000',
        '4      tanh       [16, 10, 10]       0        0',
        '5      avgPool2d  [16, 5, 5]         0        0',
        '6      flatten    [400]              0        0',
        '7      dense      [120]         48,120   96,000',
        '8      tanh       [120]              0        0',
        '9      dense      [84]          10,164   20,160',
        '10     tanh       [84]               0        0',
        '11     dense      [10]             850    1,680',
        '-----------------------------------------------',
        'Trainable params: 61,706',
        'State elements: 0',
        'Forward FLOPs per example: 833,040',
      ].join('\n'),
    );
  });

  it('output size ⌊(W − F + 2P)/S⌋ + 1 with odd sizes, strides, same/valid and pooling remainders', () => {
    const net = serial(
      conv2d({ out: 64, kernel: 11, stride: 4, padding: 2 }), // (224 − 11 + 4)/4 + 1 = 55 (AlexNet)
      relu,
      maxPool2d(3, { stride: 2 }), // (55 − 3)/2 + 1 = 27
      localResponseNorm(5),
      conv2d({ out: 8, kernel: 3, stride: 2, padding: 'same' }), // ⌈27/2⌉ = 14
      conv2d({ out: 8, kernel: 4, padding: 'valid' }), // 14 − 4 + 1 = 11
      maxPool2d(2), // ⌊11/2⌋ = 5 (remainder dropped)
      avgPool2d(3, { stride: 2, padding: 1 }), // ⌊(5 + 2 − 3)/2⌋ + 1 = 3
      conv2d({ out: 4, kernel: [3, 1], stride: [1, 2], dilation: 1 }), // [1, 2]
      adaptiveAvgPool2d([3, 5]),
      locallyConnected2d({ out: 2, kernel: 2 }), // [2, 4], weight [8, 2, 4·2·2]
      globalAvgPool,
    );
    const s = summary(net, [3, 224, 224]);
    expect(s.rows.map((r) => r.outShape)).toEqual([
      [64, 55, 55],
      [64, 55, 55],
      [64, 27, 27],
      [64, 27, 27],
      [8, 14, 14],
      [8, 11, 11],
      [8, 5, 5],
      [8, 3, 3],
      [4, 1, 2],
      [4, 3, 5],
      [2, 2, 4],
      [2],
    ]);
    expect(s.rows.map((r) => r.params)).toEqual([
      64 * 3 * 121 + 64,
      0,
      0,
      0,
      8 * 64 * 9 + 8,
      8 * 8 * 16 + 8,
      0,
      0,
      4 * 8 * 3 + 4,
      0,
      8 * 2 * 16 + 2 * 2 * 4,
      0,
    ]);
    expect(s.rows[0]!.flops).toBe(2 * 3 * 121 * 64 * 55 * 55);
  });

  it('a residual block with a projection shortcut (torchvision resnet18 layer2.0)', () => {
    const s = summary(basicBlock(128, 2), [64, 56, 56]);
    expect(s.rows.map((r) => [r.path, r.type, r.outShape, r.params])).toEqual([
      ['conv1', 'conv2d', [128, 28, 28], 128 * 64 * 9],
      ['bn1', 'batchNorm', [128, 28, 28], 256],
      ['relu', 'relu', [128, 28, 28], 0],
      ['conv2', 'conv2d', [128, 28, 28], 128 * 128 * 9],
      ['bn2', 'batchNorm', [128, 28, 28], 256],
      ['downsample', 'serial', [128, 28, 28], 128 * 64 + 256],
      ['downsample.0', 'conv2d', [128, 28, 28], 128 * 64],
      ['downsample.1', 'batchNorm', [128, 28, 28], 256],
    ]);
    expect(s.totals.params).toBe(230144); // torchvision's count for resnet18.layer2[0]
    expect(s.totals.state).toBe(3 * (128 + 128 + 1));
    expect(s.totals.flops).toBe(2 * 784 * (73728 + 147456 + 8192));
  });

  it('agrees with init, and computes without making a single tensor', () => {
    const block = basicBlock(8, 2);
    const real = getBackend();
    const touched: string[] = [];
    const spy = new Proxy(real, {
      get: (t, p, r) => {
        touched.push(String(p));
        return Reflect.get(t, p, r);
      },
    });
    const s = withBackend(spy, () => summary(block, [4, 9, 9]));
    expect(touched).toEqual([]);
    const { outShape } = withBackend(spy, () => block.init(key(0), [4, 9, 9]));
    expect(touched.length).toBeGreaterThan(0); // the spy does see tensor work
    expect(s.outShape).toEqual(outShape);
  });
});

describe('invalid configurations name the layer and the numbers', () => {
  const cases: [string, () => unknown, string | RegExp][] = [
    [
      'kernel larger than the input',
      () => conv2d({ out: 4, kernel: 5 }).describe([3, 4, 4]),
      'conv2d: inShape [3, 4, 4] is too small for kernel 5x5 (stride 1x1, padding [0, 0, 0, 0], dilation 1x1): output height ⌊(4 + 0 + 0 − 1·(5 − 1) − 1)/1⌋ + 1 = 0 < 1',
    ],
    [
      'groups',
      () => conv2d({ out: 6, kernel: 3, groups: 4 }).describe([6, 5, 5]),
      'conv2d: groups 4 must divide both the input channels 6 and the output channels 6',
    ],
    [
      'rank',
      () => conv2d({ out: 6, kernel: 3 }).describe([5, 5]),
      'conv2d: inShape [5, 5] has rank 2; expected [C, H, W] (batch dim excluded)',
    ],
    [
      'pool padding',
      () => maxPool2d(2, { padding: 2 }).describe([1, 8, 8]),
      'maxPool2d: padding [2, 2, 2, 2] must be at most half the kernel 2x2',
    ],
    [
      'pool window',
      () => maxPool2d(3).describe([1, 2, 8]),
      /maxPool2d: inShape \[1, 2, 8\] is too small for kernel 3x3/,
    ],
    ['dense input', () => dense(0).describe([4]), 'dense: units must be an integer ≥ 1; got 0'],
    [
      'path',
      () =>
        summary(serial(flatten, named({ fc: dense(3), head: serial(relu, conv2d({ out: 1, kernel: 1 })) })), [2, 2]),
      '1.head.1 (conv2d): inShape [3] has rank 1; expected [C, H, W] (batch dim excluded)',
    ],
  ];
  it.each(cases)('%s', (_name, run, message) => {
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(message);
  });
});
