/** @file conv2d with its two backward passes as primitives (so second derivatives work), and pooling. */
import {
  type AvgPool2dAttrs,
  type Conv2dAttrs,
  conv2dOutShape,
  type Pair,
  type Padding4,
  type Pool2dAttrs,
  pool2dOutShape,
  type Shape,
} from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { call, defineOp, type OpDef } from './def.js';
import { scatterAddAlongAxis } from './indexing.js';
import { reshape } from './movement.js';
import { sum } from './reduce.js';
import {
  checkArray,
  checkBoolean,
  checkInt,
  checkInts,
  checkOptions,
  checkPadding,
  checkPair,
  checkResultSize,
  checkShape,
} from '../validate.js';
import { checkFloat, checkTensor } from './util.js';

// y = conv(x, w) (+ b per channel): x̄ = convᵀₓ(ȳ, w), w̄ = convᵀ_w(x, ȳ), b̄ = Σ_{n,h,w} ȳ
export const conv2dDef = defineOp({
  name: 'conv2d',
  differentiable: true,
  forward: (k, [x, w, b], attrs) => k.conv2d(x!, w!, attrs, b),
  vjp: (g, { inputs: [x, w, b], attrs, needs }) => [
    needs[0] ? conv2dBackpropInput(g, w!, x!.shape, attrs) : null,
    needs[1] ? conv2dBackpropFilter(x!, g, w!.shape, attrs) : null,
    ...(b === undefined ? [] : [needs[2] ? sum(g, [0, 2, 3]) : null]),
  ],
});

// dx = convᵀₓ(dy, w) is bilinear: its adjoint in dy is conv(G, w), in w it is convᵀ_w(G, dy)
export const conv2dBackpropInputDef = defineOp({
  name: 'conv2dBackpropInput',
  differentiable: true,
  forward: (k, [dy, w], { xShape, ...attrs }) => k.conv2dBackpropInput(dy!, w!, xShape, attrs),
  vjp: (g, { inputs: [dy, w], attrs: { xShape: _x, ...attrs }, needs }) => [
    needs[0] ? conv2dRaw(g, w!, attrs) : null,
    needs[1] ? conv2dBackpropFilter(g, dy!, w!.shape, attrs) : null,
  ],
});

// dw = convᵀ_w(x, dy) is bilinear: its adjoint in x is convᵀₓ(dy, G), in dy it is conv(x, G)
export const conv2dBackpropFilterDef = defineOp({
  name: 'conv2dBackpropFilter',
  differentiable: true,
  forward: (k, [x, dy], { wShape, ...attrs }) => k.conv2dBackpropFilter(x!, dy!, wShape, attrs),
  vjp: (g, { inputs: [x, dy], attrs: { wShape: _w, ...attrs }, needs }) => [
    needs[0] ? conv2dBackpropInput(dy!, g, x!.shape, attrs) : null,
    needs[1] ? conv2dRaw(x!, g, attrs) : null,
  ],
});

const conv2dRaw = (x: Tensor, w: Tensor, attrs: Conv2dAttrs, bias?: Tensor): Tensor =>
  call(conv2dDef, bias === undefined ? [x, w] : [x, w, bias], attrs);

/** Gradient of conv2d with respect to its input (a transposed convolution). */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
  const op = 'conv2dBackpropInput';
  checkTensor(op, 'dy', dy);
  checkTensor(op, 'w', w);
  checkShape(op, 'xShape', xShape);
  return call(conv2dBackpropInputDef, [dy, w], { ...checkConvAttrs(op, attrs), xShape });
}

/** Gradient of conv2d with respect to its filter. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
  const op = 'conv2dBackpropFilter';
  checkTensor(op, 'x', x);
  checkTensor(op, 'dy', dy);
  checkShape(op, 'wShape', wShape);
  return call(conv2dBackpropFilterDef, [x, dy], { ...checkConvAttrs(op, attrs), wShape });
}

/** The resolved attributes the two backward passes take: pairs, four paddings and a group count. */
function checkConvAttrs(op: string, attrs: Conv2dAttrs): Conv2dAttrs {
  const a = checkOptions(op, 'attrs', attrs);
  checkPair(op, 'stride', a.stride);
  checkPair(op, 'dilation', a.dilation);
  checkInts(op, 'padding', checkArray(op, 'padding', a.padding, 4), 0);
  checkInt(op, 'groups', a.groups, 1);
  return a;
}

/** Padding as one number, `[h, w]`, `[top, bottom, left, right]`, or 'same' / 'valid'. */
export type PaddingSpec = number | Pair | Padding4 | 'same' | 'valid';

const PADDING_NAMES = ['same', 'valid'] as const;

/**
 * Resolves a padding spec for input size `[H, W]`. 'same' gives `ceil(n / stride)` outputs, padding
 * `max((out - 1)·stride + dil·(k - 1) + 1 - n, 0)` in total, the odd one at the bottom/right (as
 * TensorFlow and PyTorch do).
 */
export function resolvePadding(spec: PaddingSpec, hw: Pair, kernel: Pair, stride: Pair, dilation: Pair): Padding4 {
  checkPadding('resolvePadding', 'spec', spec, PADDING_NAMES);
  if (spec === 'valid') return [0, 0, 0, 0];
  if (spec === 'same') {
    const side = (i: 0 | 1): [number, number] => {
      const out = Math.ceil(hw[i] / stride[i]);
      const total = Math.max((out - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - hw[i], 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [...side(0), ...side(1)];
  }
  if (typeof spec === 'number') return [spec, spec, spec, spec];
  return spec.length === 2 ? [spec[0], spec[0], spec[1], spec[1]] : (spec as Padding4);
}

export type Conv2dOptions = {
  /** `[O]`, added to every output of its channel inside the convolution (PyTorch's `bias`). */
  readonly bias?: Tensor;
  readonly stride?: number | Pair;
  readonly padding?: PaddingSpec;
  readonly dilation?: number | Pair;
  readonly groups?: number;
};

/**
 * 2-D convolution (cross-correlation, as in PyTorch): x `[N, C, H, W]`, w `[O, C/groups, KH, KW]` →
 * `[N, O, Ho, Wo]`, `Ho = ⌊(H + padTop + padBottom - dil·(KH - 1) - 1)/stride⌋ + 1`. An optional `bias`
 * `[O]` is added in the same kernel call (the same as adding it afterwards, one pass over y fewer).
 * @example conv2d(x, w, { padding: 'same' })
 * @example conv2d(x, w, { bias: b, padding: 1 }) // b: [O]
 */
export function conv2d(x: Tensor, w: Tensor, opts?: Conv2dOptions): Tensor {
  const op = 'conv2d';
  const o = checkOptions(op, 'opts', opts);
  checkFloat(op, 'x', checkTensor(op, 'x', x));
  checkFloat(op, 'w', checkTensor(op, 'w', w));
  if (x.rank !== 4) throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}; expected [N, C, H, W]`);
  if (w.rank !== 4) throw new ShapeError(op, 'w', `has shape ${fmt(w.shape)}; expected [O, C/groups, KH, KW]`);
  if (x.dtype !== w.dtype) throw new ShapeError(op, 'w', `has dtype ${w.dtype} but x has ${x.dtype}`);
  const stride = checkPair(op, 'stride', o.stride ?? 1);
  const dilation = checkPair(op, 'dilation', o.dilation ?? 1);
  const groups = checkInt(op, 'groups', o.groups ?? 1, 1);
  const spec = checkPadding(op, 'padding', o.padding ?? 0, PADDING_NAMES);
  const [, c, h, wd] = x.shape as [number, number, number, number];
  const [out, cg, kh, kw] = w.shape as [number, number, number, number];
  if (kh < 1 || kw < 1)
    throw new ShapeError(op, 'w', `has shape ${fmt(w.shape)}; its kernel KH x KW must be at least 1x1`);
  if (c % groups !== 0 || out % groups !== 0) {
    throw new ShapeError(op, 'groups', `${groups} must divide both input channels ${c} and output channels ${out}`);
  }
  const bias = o.bias;
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== out)
      throw new ShapeError(op, 'bias', `has shape ${fmt(bias.shape)}; expected [${out}] (one per output channel)`);
    if (bias.dtype !== x.dtype) throw new ShapeError(op, 'bias', `has dtype ${bias.dtype} but x has ${x.dtype}`);
  }
  if (cg !== c / groups) {
    throw new ShapeError(
      op,
      'w',
      `has shape ${fmt(w.shape)}: dim 1 must be C/groups = ${c / groups} for x ${fmt(x.shape)}`,
    );
  }
  const padding = resolvePadding(spec, [h, wd], [kh, kw], stride, dilation);
  const attrs: Conv2dAttrs = { stride, padding, dilation, groups };
  const [, , ho, wo] = conv2dOutShape(x.shape, w.shape, attrs);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(
      op,
      'x',
      `of shape ${fmt(x.shape)} is too small for a ${kh}x${kw} kernel (dilation ${dilation.join('x')}, padding ${padding.join(',')}): output would be ${ho}x${wo}`,
    );
  }
  checkResultSize(op, 'padding', [x.shape[0]!, out, ho, wo]);
  return conv2dRaw(x, w, attrs, bias);
}

export type Pool2dOptions = {
  readonly stride?: number | Pair;
  readonly padding?: number | Pair | Padding4;
  readonly dilation?: number | Pair;
};

function poolAttrs(op: string, x: Tensor, kernel: number | Pair, opts: Pool2dOptions | undefined): Pool2dAttrs {
  const o = checkOptions(op, 'opts', opts);
  checkFloat(op, 'x', checkTensor(op, 'x', x));
  if (x.rank !== 4) throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}; expected [N, C, H, W]`);
  const k = checkPair(op, 'kernel', kernel);
  const stride = checkPair(op, 'stride', o.stride ?? k);
  const dilation = checkPair(op, 'dilation', o.dilation ?? 1);
  const spec = checkPadding(op, 'padding', o.padding ?? 0);
  const padding = resolvePadding(spec, [x.shape[2]!, x.shape[3]!], k, stride, dilation);
  if (padding[0] > k[0] / 2 || padding[1] > k[0] / 2 || padding[2] > k[1] / 2 || padding[3] > k[1] / 2) {
    throw new ShapeError(op, 'padding', `[${padding.join(', ')}] must be at most half the kernel ${k.join('x')}`);
  }
  const attrs = { kernel: k, stride, padding, dilation };
  const [, , ho, wo] = pool2dOutShape(x.shape, attrs);
  if (ho < 1 || wo < 1)
    throw new ShapeError(op, 'x', `of shape ${fmt(x.shape)} is smaller than the ${k.join('x')} window`);
  checkResultSize(op, 'padding', [x.shape[0]!, x.shape[1]!, ho, wo]);
  if (op === 'maxPool2d') {
    // A max over no input element has no position for the gradient to go to.
    const rows = firstEmptyWindow(ho, x.shape[2]!, k[0], stride[0], padding[0], dilation[0]);
    const cols = firstEmptyWindow(wo, x.shape[3]!, k[1], stride[1], padding[2], dilation[1]);
    const [axis, at] = rows >= 0 ? ['row', rows] : ['column', cols];
    if (at >= 0) {
      throw new ShapeError(
        op,
        'padding',
        `[${padding.join(', ')}] with dilation ${dilation.join('x')} leaves output ${axis} ${at} of x ${fmt(x.shape)} with every window tap in the padding`,
      );
    }
  }
  return attrs;
}

/** The first of `out` window positions along an axis of length `n` whose taps all fall outside it, or -1. */
function firstEmptyWindow(out: number, n: number, k: number, stride: number, pad: number, dil: number): number {
  for (let o = 0; o < out; o++) {
    let hit = false;
    for (let i = 0; i < k && !hit; i++) {
      const v = o * stride - pad + i * dil;
      hit = v >= 0 && v < n;
    }
    if (!hit) return o;
  }
  return -1;
}

// x̄ = ȳ scattered to each window's first maximum: the indices the kernel found in the forward pass are
// kept as a residual; the scatter's own adjoint is the gather, so second derivatives work too.
export const maxPool2dDef: OpDef<'maxPool2d'> = defineOp({
  name: 'maxPool2d',
  differentiable: true,
  forward: (k, [x], attrs) => {
    const { values, indices } = k.maxPool2d(x!, attrs);
    return { out: values, residuals: [indices] };
  },
  vjp: (g, { inputs: [x], residuals: [idx] }) => {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    const windows = g.shape[2]! * g.shape[3]!;
    const dx = scatterAddAlongAxis(reshape(g, [n, c, windows]), reshape(idx!, [n, c, windows]), 2, h * w);
    return [reshape(dx, x!.shape)];
  },
});

/**
 * Max pooling over `kernel` windows (stride defaults to the kernel): `[N, C, H, W] → [N, C, Ho, Wo]`. The
 * gradient goes to the first maximum of each window in row-major order (PyTorch's convention); one kernel
 * call finds the maxima and their positions.
 */
export function maxPool2d(x: Tensor, kernel: number | Pair, opts?: Pool2dOptions): Tensor {
  return call(maxPool2dDef, [x], poolAttrs('maxPool2d', x, kernel, opts));
}

// avgPool: x̄ = avgPoolᵀ(ȳ); and the transpose's adjoint is avgPool itself
export const avgPool2dDef: OpDef<'avgPool2d'> = defineOp({
  name: 'avgPool2d',
  differentiable: true,
  forward: (k, [x], attrs) => k.avgPool2d(x!, attrs),
  vjp: (g, { inputs: [x], attrs }) => [call(avgPool2dBackwardDef, [g], { ...attrs, xShape: x!.shape })],
});

export const avgPool2dBackwardDef: OpDef<'avgPool2dBackward'> = defineOp({
  name: 'avgPool2dBackward',
  differentiable: true,
  forward: (k, [dy], { xShape, ...attrs }) => k.avgPool2dBackward(dy!, xShape, attrs),
  vjp: (g, { attrs: { xShape: _x, ...attrs } }) => [call(avgPool2dDef, [g], attrs)],
});

export type AvgPool2dOptions = Pool2dOptions & { readonly countIncludePad?: boolean };

/** Average pooling; padded positions count toward the divisor unless `countIncludePad: false`. */
export function avgPool2d(x: Tensor, kernel: number | Pair, opts?: AvgPool2dOptions): Tensor {
  const attrs: AvgPool2dAttrs = {
    ...poolAttrs('avgPool2d', x, kernel, opts),
    countIncludePad: checkBoolean('avgPool2d', 'countIncludePad', opts?.countIncludePad ?? true),
  };
  return call(avgPool2dDef, [x], attrs);
}
