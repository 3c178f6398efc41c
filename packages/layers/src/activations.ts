/** @file Activation layers: shape-preserving, parameterless, the same in training and evaluation. */
import {
  checkFunction,
  checkInt,
  checkNumber,
  logSoftmax as logSoftmaxOp,
  relu as reluOp,
  sigmoid as sigmoidOp,
  softmax as softmaxOp,
  type Tensor,
  tanh as tanhOp,
} from '@tapenet/autodiff';
import * as F from './functional.js';
import { layerError, one, stateless } from './internal.js';
import type { Layer } from './types.js';

/** A shape-preserving layer from an elementwise function. */
export const elementwise = (type: string, f: (x: Tensor) => Tensor): Layer =>
  stateless(type, (s) => one(type, s), checkFunction('elementwise', 'f', f));

/** `max(x, 0)`. */
export const relu: Layer = elementwise('relu', reluOp);
/** `x` for x > 0, else `slope·x` (default 0.01, as PyTorch). */
export const leakyRelu = (slope = 0.01): Layer => {
  checkNumber('leakyRelu', 'slope', slope);
  return elementwise('leakyRelu', (x) => F.leakyRelu(x, slope));
};
/** `x` for x > 0, else `α·(eˣ − 1)` (default α = 1). */
export const elu = (alpha = 1): Layer => {
  checkNumber('elu', 'alpha', alpha);
  return elementwise('elu', (x) => F.elu(x, alpha));
};
/** GELU, exact erf form `x·Φ(x)` (as `½x·erfc(−x/√2)`, exact to rounding in the tail; see `F.gelu`). */
export const gelu: Layer = elementwise('gelu', F.gelu);
/** GELU, tanh approximation (PyTorch's `approximate='tanh'`). */
export const geluTanh: Layer = elementwise('geluTanh', F.geluTanh);
/** `log(1 + eˣ)`, computed stably, and x past PyTorch's threshold 20 (see `F.softplus` for β and the threshold). */
export const softplus: Layer = elementwise('softplus', (x) => F.softplus(x));
/** `λ·x` for x > 0, `λα(eˣ − 1)` otherwise (torch.nn.SELU's α and λ). */
export const selu: Layer = elementwise('selu', F.selu);
/** SiLU (swish): `x·σ(x)`. */
export const silu: Layer = elementwise('silu', F.silu);
/** Mish: `x·tanh(softplus(x))`. */
export const mish: Layer = elementwise('mish', F.mish);
/** `x` clamped to `[min, max]` (default [−1, 1]); zero slope at the bounds, as PyTorch. */
export const hardtanh = (min = -1, max = 1): Layer => {
  checkNumber('hardtanh', 'min', min);
  checkNumber('hardtanh', 'max', max);
  if (!(min < max)) throw layerError('hardtanh', 'min', `${min} must be below max ${max}`);
  return elementwise('hardtanh', (x) => F.hardtanh(x, min, max));
};
/** `tanh x`. */
export const tanh: Layer = elementwise('tanh', tanhOp);
/** `1.7159·tanh(2x/3)` (LeNet-5 as published). */
export const scaledTanh: Layer = elementwise('scaledTanh', F.scaledTanh);
/** `σ(x) = 1/(1 + e⁻ˣ)`. */
export const sigmoid: Layer = elementwise('sigmoid', sigmoidOp);
/** Passes its input through. */
export const identity: Layer = elementwise('identity', (x) => x);

/** An axis of the batched tensor (0 is the batch axis, negative counts from the end) checked against the per-example rank. */
function axisLayer(type: string, axis: number, f: (x: Tensor, axis: number) => Tensor): Layer {
  checkInt(type, 'axis', axis);
  return stateless(
    type,
    (s) => {
      const shape = one(type, s);
      const rank = shape.length + 1;
      if (!Number.isInteger(axis) || axis < -rank || axis >= rank || axis === 0 || axis === -rank) {
        throw layerError(
          type,
          'axis',
          `${axis} must be a non-batch axis of the rank-${rank} input (1 … ${rank - 1} or −1 … −${rank - 1})`,
        );
      }
      return shape;
    },
    (x) => f(x, axis),
  );
}

/** Softmax along `axis` of the batched tensor (default −1, the last; axis 0 is the batch and is refused). */
export const softmax = (axis = -1): Layer => axisLayer('softmax', axis, softmaxOp);
/** Log-softmax along `axis` of the batched tensor (default −1). */
export const logSoftmax = (axis = -1): Layer => axisLayer('logSoftmax', axis, logSoftmaxOp);
