/**
 * Every mapped primitive, exported inside small programs and run in ONNX Runtime at a batch size
 * neither trace used, against tapenet's own result (reference backend).
 */
import {
  abs,
  add,
  argmax,
  argmin,
  broadcastTo,
  cast,
  ceil,
  concat,
  convTranspose2d,
  cos,
  div,
  equal,
  erf,
  erfc,
  exp,
  expm1,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  log1p,
  logSoftmax,
  logSumExp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  notEqual,
  oneHot,
  opNames,
  pad,
  pow,
  reciprocal,
  relu,
  reshape,
  round,
  rsqrt,
  type Shape,
  sigmoid,
  sign,
  sin,
  slice,
  softmax,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  takeAlongAxis,
  tanh,
  tensor,
  transpose,
  variance,
  where,
} from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { MAPPING } from './index.js';
import { fnLayer } from '../test/fn-layer.js';
import { agreement, TOLERANCE } from '../test/helpers.js';

const IN: Shape = [3, 4];
const halfway = tensor([0.5, 1.5, 2.5, -2.5]); // round half to even: 0, 2, 2, -2

type Case = readonly [name: string, f: (x: Tensor) => Tensor];

const CASES: readonly Case[] = [
  ['neg abs sign exp', (x) => add(add(neg(x), abs(x)), add(sign(x), exp(x)))],
  ['erf erfc (erfc as 1 − Erf)', (x) => add(erf(x), erfc(mul(x, 0.5)))],
  ['expm1 log1p (composites)', (x) => add(expm1(mul(x, 0.01)), log1p(abs(x)))],
  [
    'log sqrt rsqrt square reciprocal',
    (x) =>
      add(add(log(add(abs(x), 1)), sqrt(abs(x))), add(rsqrt(add(abs(x), 0.5)), add(square(x), reciprocal(add(x, 10))))),
  ],
  ['sin cos tanh sigmoid relu', (x) => add(add(sin(x), cos(x)), add(tanh(x), add(sigmoid(x), relu(x))))],
  ['floor ceil', (x) => add(floor(mul(x, 3)), ceil(mul(x, 2)))],
  ['round half to even', (x) => add(round(add(mul(x, 0), halfway)), round(mul(x, 3)))],
  [
    'sub div pow maximum minimum',
    (x) =>
      add(
        add(sub(x, 1), div(x, add(abs(x), 1))),
        add(pow(add(abs(x), 0.1), x), sub(maximum(x, 0.2), minimum(x, -0.3))),
      ),
  ],
  [
    'comparisons cast to the input dtype',
    (x) =>
      add(
        add(add(equal(round(x), 0), notEqual(round(x), 0)), add(less(x, 0.1), lessEqual(x, 0))),
        add(greater(x, 0.5), greaterEqual(x, -0.5)),
      ),
  ],
  [
    'where on a comparison and on a float condition',
    (x) => add(where(greater(x, 0), x, mul(x, 0.1)), where(relu(x), 1, -1)),
  ],
  ['cast float → int32 truncates → float', (x) => cast(cast(mul(x, 3), 'int32'), 'float32')],
  ['sum, max, min (axes dropped)', (x) => add(add(sum(x, [2]), max(x, 2)), min(x, [2]))],
  [
    'keepDims reductions, mean, variance, logSumExp',
    (x) =>
      add(
        add(sum(x, [1], { keepDims: true }), mean(x, 1, { keepDims: true })),
        add(variance(x, [1, 2], { keepDims: true }), logSumExp(x, 1, { keepDims: true })),
      ),
  ],
  ['argmax and argmin (int32) cast to float', (x) => cast(add(argmax(x, 2), mul(argmin(x, 2), 10)), 'float32')],
  ['oneHot of argmax', (x) => oneHot(argmax(x, -1), 5)],
  ['takeAlongAxis with argmax indices', (x) => takeAlongAxis(x, reshape(argmin(x, 2), [x.shape[0]!, 3, 1]), 2)],
  [
    'transpose, slice, concat',
    (x) => concat([slice(transpose(x, [0, 2, 1]), [0, 1, 0], [x.shape[0]!, 2, 3]), transpose(x, [0, 2, 1])], 1),
  ],
  [
    'pad constant 1.5 and edge',
    (x) =>
      add(
        pad(
          x,
          [
            [0, 0],
            [1, 2],
            [0, 1],
          ],
          'constant',
          1.5,
        ),
        pad(
          x,
          [
            [0, 0],
            [1, 2],
            [0, 1],
          ],
          'edge',
        ),
      ),
  ],
  [
    'broadcastTo a batch dim the input has',
    (x) => broadcastTo(reshape(x, [x.shape[0]!, 1, 3, 4]), [x.shape[0]!, 2, 3, 4]),
  ],
  [
    'broadcastTo a batch dim the input lacks (built from N)',
    (x) => add(broadcastTo(slice(x, [0, 0, 0], [1, 3, 4]), [x.shape[0]!, 3, 4]), x),
  ],
  ['reshape with one batch dim (-1)', (x) => reshape(x, [x.shape[0]! * 2, 6])],
  ['reshape with one batch dim among static ones', (x) => reshape(concat([x, x], 0), [2, x.shape[0]!, 12])],
  [
    'reshape with two batch dims (built from N)',
    (x) => {
      const n = x.shape[0]!;
      return reshape(broadcastTo(reshape(x, [n, 1, 12]), [n, n, 12]), [n, n * 12]);
    },
  ],
  [
    'matmul batched, plain and transposed',
    (x) =>
      add(
        matmul(x, x, { transposeB: true }),
        matmul(transpose(x, [0, 2, 1]), transpose(x, [0, 2, 1]), { transposeA: true }),
      ),
  ],
  [
    'matmul 2-d (Gemm) with both transposes',
    (x) =>
      matmul(reshape(x, [x.shape[0]!, 12]), reshape(x, [x.shape[0]!, 12]), { transposeA: true, transposeB: false }),
  ],
  [
    'matmul broadcasting a constant over the batch',
    (x) =>
      matmul(
        x,
        tensor(
          new Float32Array(20).map((_, i) => i / 10 - 1),
          { shape: [4, 5] },
        ),
      ),
  ],
  [
    'conv2dBackpropInput as ConvTranspose (convTranspose2d: stride, padding, output padding, dilation)',
    (x) =>
      convTranspose2d(
        reshape(x, [x.shape[0]!, 1, 3, 4]),
        tensor(
          new Float32Array(18).map((_, i) => Math.sin(i + 1)),
          { shape: [1, 2, 3, 3] },
        ),
        { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [1, 2] },
      ),
  ],
  ['softmax and logSoftmax along axes 1 and 2', (x) => add(softmax(x, 1), logSoftmax(x, 2))],
];

describe('ops exported to ONNX agree with tapenet in ONNX Runtime', () => {
  it('maps or refuses every autodiff primitive', () => {
    expect(Object.keys(MAPPING).sort()).toEqual(opNames().sort());
  });

  it.each(CASES)('%s', async (_name, f) => {
    const a = await agreement(fnLayer(f), {}, {}, IN);
    expect(a.spread).toBeGreaterThan(0);
    expect(a.rel).toBeLessThanOrEqual(TOLERANCE);
  });
});
