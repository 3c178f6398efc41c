/**
 * @file The descriptor table (haiku's idea): every layer with a tiny input shape, and generic suites
 * that sweep it: deterministic init, describe ≡ init ≡ real output shapes, grads mirror params,
 * float64 gradient checks in training and evaluation, deterministic evaluation, no mutation.
 */
import {
  add,
  foldIn,
  grad,
  key,
  mul,
  random,
  type Shape,
  sum,
  type Tensor,
  treeFlatten,
  treeUnflatten,
} from '@tapenet/autodiff';
import { checkGrads } from '@tapenet/autodiff/testing';
import { describe, expect, it } from 'vitest';
import { inputFor, shapesOf, tensorsOf, valuesOf } from '../test/support.js';
import {
  type Acts,
  type AnyLayer,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool2d,
  batchNorm,
  conv2d,
  convTranspose2d,
  dense,
  dropout,
  dropout2d,
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
  shapeLeaves,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
  upsample,
} from './index.js';

type Descriptor = {
  readonly name: string;
  readonly layer: AnyLayer;
  readonly inShape: Shape | readonly Shape[];
  /** Batch size (default 2). */
  readonly batch?: number;
  /** Params drawn at random (so a different key must give different params). */
  readonly random?: boolean;
};

const conv3 = (out: number) => conv2d({ out, kernel: 3, padding: 1 });

export const DESCRIPTORS: readonly Descriptor[] = [
  { name: 'conv2d 3x3', layer: conv2d({ out: 3, kernel: 3 }), inShape: [2, 5, 5], random: true },
  {
    name: 'conv2d stride 2 same',
    layer: conv2d({ out: 2, kernel: 3, stride: 2, padding: 'same' }),
    inShape: [2, 5, 6],
    random: true,
  },
  {
    name: 'conv2d replicate',
    layer: conv2d({ out: 2, kernel: 3, padding: 1, paddingMode: 'replicate' }),
    inShape: [1, 4, 4],
    random: true,
  },
  {
    name: 'conv2d dilation groups no bias',
    layer: conv2d({ out: 4, kernel: 2, dilation: 2, groups: 2, bias: false }),
    inShape: [2, 5, 5],
    random: true,
  },
  {
    name: 'locallyConnected2d',
    layer: locallyConnected2d({ out: 2, kernel: 2, padding: 1, stride: 2 }),
    inShape: [2, 3, 4],
    random: true,
  },
  { name: 'dense', layer: dense(3), inShape: [4], random: true },
  { name: 'dense on [T, F]', layer: dense(2, { bias: false }), inShape: [3, 4], random: true },
  { name: 'maxPool2d 2 (remainder)', layer: maxPool2d(2), inShape: [2, 4, 5] },
  { name: 'maxPool2d 3/2 pad 1', layer: maxPool2d(3, { stride: 2, padding: 1 }), inShape: [1, 5, 5] },
  { name: 'avgPool2d 2/1', layer: avgPool2d(2, { stride: 1 }), inShape: [2, 3, 3] },
  {
    name: 'avgPool2d exclude pad',
    layer: avgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    inShape: [1, 5, 5],
  },
  { name: 'adaptiveAvgPool2d', layer: adaptiveAvgPool2d([2, 3]), inShape: [2, 5, 4] },
  { name: 'adaptiveMaxPool2d', layer: adaptiveMaxPool2d([2, 3]), inShape: [2, 5, 4] },
  {
    name: 'convTranspose2d ×2',
    layer: convTranspose2d({ out: 3, kernel: 2, stride: 2 }),
    inShape: [2, 3, 2],
    random: true,
  },
  {
    name: 'convTranspose2d padding outputPadding dilation groups no bias',
    layer: convTranspose2d({
      out: 4,
      kernel: 3,
      stride: 2,
      padding: 1,
      outputPadding: 1,
      dilation: [1, 2],
      groups: 2,
      bias: false,
    }),
    inShape: [2, 2, 3],
    random: true,
  },
  { name: 'upsample nearest', layer: upsample({ scaleFactor: 2 }), inShape: [2, 2, 3] },
  {
    name: 'upsample bilinear aligned',
    layer: upsample({ size: [3, 5], mode: 'bilinear', alignCorners: true }),
    inShape: [1, 2, 3],
  },
  { name: 'dropout2d', layer: dropout2d(0.5), inShape: [3, 2, 2] },
  { name: 'globalAvgPool', layer: globalAvgPool, inShape: [3, 2, 2] },
  { name: 'flatten', layer: flatten, inShape: [2, 2, 2] },
  { name: 'dropout', layer: dropout(0.5), inShape: [3, 4] },
  { name: 'batchNorm 2d', layer: batchNorm(), inShape: [3, 2, 2] },
  { name: 'batchNorm 1d', layer: batchNorm({ momentum: 0.2 }), inShape: [3], batch: 4 },
  { name: 'batchNorm no affine', layer: batchNorm({ affine: false }), inShape: [2, 3] },
  { name: 'localResponseNorm', layer: localResponseNorm(3, { alpha: 0.5, beta: 0.75, k: 2 }), inShape: [4, 2, 2] },
  { name: 'layerNorm', layer: layerNorm(3), inShape: [2, 3] },
  { name: 'layerNorm [2, 3] no bias', layer: layerNorm([2, 3], { bias: false }), inShape: [2, 3] },
  { name: 'groupNorm', layer: groupNorm(2), inShape: [4, 2, 2] },
  { name: 'instanceNorm affine', layer: instanceNorm({ affine: true }), inShape: [2, 3, 2] },
  { name: 'instanceNorm 1d', layer: instanceNorm(), inShape: [2, 4] },
  { name: 'selu', layer: selu, inShape: [5] },
  { name: 'silu', layer: silu, inShape: [5] },
  { name: 'mish', layer: mish, inShape: [5] },
  { name: 'hardtanh', layer: hardtanh(-0.5, 0.7), inShape: [5] },
  { name: 'relu', layer: relu, inShape: [5] },
  { name: 'leakyRelu', layer: leakyRelu(0.1), inShape: [5] },
  { name: 'elu', layer: elu(1.5), inShape: [5] },
  { name: 'gelu', layer: gelu, inShape: [5] },
  { name: 'geluTanh', layer: geluTanh, inShape: [5] },
  { name: 'softplus', layer: softplus, inShape: [5] },
  { name: 'tanh', layer: tanh, inShape: [5] },
  { name: 'scaledTanh', layer: scaledTanh, inShape: [5] },
  { name: 'sigmoid', layer: sigmoid, inShape: [5] },
  { name: 'identity', layer: identity, inShape: [5] },
  { name: 'softmax', layer: softmax(), inShape: [3, 2] },
  { name: 'logSoftmax axis 1', layer: logSoftmax(1), inShape: [3, 2] },
  {
    name: 'serial conv net',
    layer: serial(conv2d({ out: 2, kernel: 3 }), relu, maxPool2d(2), flatten, dropout(0.25), dense(3)),
    inShape: [1, 6, 6],
    random: true,
  },
  {
    name: 'named conv-bn-relu',
    layer: named({ conv: conv3(2), bn: batchNorm(), act: relu }),
    inShape: [2, 3, 3],
    random: true,
  },
  {
    name: 'residual with projection',
    layer: residual(
      named({
        conv1: conv2d({ out: 3, kernel: 3, stride: 2, padding: 1, bias: false }),
        bn1: batchNorm(),
        relu,
        conv2: conv3(3),
      }),
      serial(conv2d({ out: 3, kernel: 1, stride: 2, bias: false }), batchNorm()),
      { activation: relu },
    ),
    inShape: [2, 4, 4],
    random: true,
  },
  {
    name: 'residual identity',
    layer: residual(named({ conv: conv3(2), act: tanh })),
    inShape: [2, 3, 3],
    random: true,
  },
  {
    name: 'inception-style concat',
    layer: serial(fanOut(2), parallel(conv2d({ out: 1, kernel: 1 }), conv3(2)), fanInConcat(1)),
    inShape: [2, 3, 3],
    random: true,
  },
  {
    name: 'fanOut / parallel / fanInSum',
    layer: serial(fanOut(3), parallel(dense(2), dense(2), dropout(0.5)), fanInSum),
    inShape: [2],
    random: true,
  },
  { name: 'fanOut', layer: fanOut(2), inShape: [3] },
  { name: 'fanInSum on a list', layer: fanInSum, inShape: [[3], [3]] },
  {
    name: 'fanInConcat on a list',
    layer: fanInConcat(-1),
    inShape: [
      [2, 1],
      [2, 3],
    ],
  },
  { name: 'parallel on a list', layer: parallel(dense(2), gelu), inShape: [[3], [2, 2]], random: true },
];

const INIT_KEY = key(7);
const DATA_KEY = key(8);
const TRAIN = { train: true, key: key(9) } as const;
const EVAL = { train: false } as const;

const setup = (d: Descriptor) => {
  const { params, state, outShape } = d.layer.init(INIT_KEY, d.inShape, { dtype: 'float64' });
  const x = inputFor(DATA_KEY, d.inShape, d.batch ?? 2);
  return { params, state, outShape, x };
};

const batched = (s: Shape | readonly Shape[], n: number): unknown =>
  s.length > 0 && typeof s[0] !== 'number' ? (s as readonly Shape[]).map((t) => [n, ...t]) : [n, ...(s as Shape)];
const shapeOfActs = (a: Acts): unknown =>
  Array.isArray(a) ? (a as readonly Tensor[]).map((t) => t.shape) : (a as Tensor).shape;

/** ⟨u, y⟩ for a fixed random u shaped like y (never all ones). */
const pairing = (y: Acts): Tensor =>
  tensorsOf(y)
    .map((t, i) => sum(mul(t, random.normal(foldIn(key(99), i), t.shape, 0, 1, { dtype: 'float64' }))))
    .reduce((a, b) => add(a, b));

describe.each(DESCRIPTORS)('$name', (d) => {
  it('init is deterministic for a key', () => {
    const a = d.layer.init(INIT_KEY, d.inShape, { dtype: 'float64' });
    const b = d.layer.init(key(7), d.inShape, { dtype: 'float64' });
    expect(valuesOf(b.params)).toEqual(valuesOf(a.params));
    expect(valuesOf(b.state)).toEqual(valuesOf(a.state));
    if (d.random)
      expect(valuesOf(d.layer.init(key(70), d.inShape, { dtype: 'float64' }).params)).not.toEqual(valuesOf(a.params));
  });

  it('describe agrees with init and with the real output shapes', () => {
    const info = d.layer.describe(d.inShape);
    const { params, state, outShape, x } = setup(d);
    expect(info.outShape).toEqual(outShape);
    expect(shapeLeaves(info.params)).toEqual(shapesOf(params).map(([, s]) => s));
    expect(shapeLeaves(info.state)).toEqual(shapesOf(state).map(([, s]) => s));
    const n = d.batch ?? 2;
    expect(shapeOfActs(d.layer.apply(params, state, x, EVAL).y)).toEqual(batched(outShape, n));
    expect(shapeOfActs(d.layer.apply(params, state, x, TRAIN).y)).toEqual(batched(outShape, n));
  });

  it('the gradient tree mirrors the params', () => {
    const { params, state, x } = setup(d);
    const g = grad((p: unknown) => pairing(d.layer.apply(p, state, x, TRAIN).y))(params);
    expect(shapesOf(g)).toEqual(shapesOf(params));
  });

  it.each([
    ['training', TRAIN],
    ['evaluation', EVAL],
  ] as const)('float64 gradients are correct in %s', (_mode, ctx) => {
    const { params, state, x } = setup(d);
    const xs = tensorsOf(x);
    const { leaves, def } = treeFlatten(params);
    const f = (...args: Tensor[]): Tensor | Tensor[] => {
      const input = Array.isArray(x) ? args.slice(0, xs.length) : args[0]!;
      const y = d.layer.apply(treeUnflatten(def, args.slice(xs.length)), state, input, ctx).y;
      return tensorsOf(y);
    };
    checkGrads(f, [...xs, ...(leaves as Tensor[])]);
  });

  it('evaluation is deterministic and leaves params, state and input untouched', () => {
    const { params, state, x } = setup(d);
    const before = [valuesOf(params), valuesOf(state), tensorsOf(x).map((t) => Array.from(t.data()))];
    const a = d.layer.apply(params, state, x, EVAL);
    const b = d.layer.apply(params, state, x, EVAL);
    expect(tensorsOf(b.y).map((t) => Array.from(t.data()))).toEqual(tensorsOf(a.y).map((t) => Array.from(t.data())));
    expect(valuesOf(a.state)).toEqual(valuesOf(state));
    d.layer.apply(params, state, x, TRAIN);
    expect([valuesOf(params), valuesOf(state), tensorsOf(x).map((t) => Array.from(t.data()))]).toEqual(before);
  });
});
