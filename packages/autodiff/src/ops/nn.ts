/** @file softmax and logSoftmax along an axis (stable kernels; VJPs in differentiable ops). */
import type { Tensor } from '../tensor.js';
import { call, defineOp } from './def.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { checkAxis } from '../validate.js';
import { checkFloat, checkTensor } from './util.js';

// y = softmax(x): x̄ = y ⊙ (ȳ - Σ ȳ⊙y)
export const softmaxDef = defineOp({
  name: 'softmax',
  differentiable: true,
  forward: (k, [x], { axis }) => k.softmax(x!, axis),
  vjp: (g, { out, attrs: { axis } }) => [mul(out, sub(g, sum(mul(g, out), [axis], { keepDims: true })))],
});

// y = logSoftmax(x): x̄ = ȳ - softmax(x) ⊙ Σ ȳ, with softmax(x) = exp(y)
export const logSoftmaxDef = defineOp({
  name: 'logSoftmax',
  differentiable: true,
  forward: (k, [x], { axis }) => k.logSoftmax(x!, axis),
  vjp: (g, { out, attrs: { axis } }) => [sub(g, mul(exp(out), sum(g, [axis], { keepDims: true })))],
});

/** `exp(x - max) / Σ exp(x - max)` along `axis` (default last); exact for logits of magnitude 1e4. */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', 'x', checkTensor('softmax', 'x', x));
  return call(softmaxDef, [x], { axis: checkAxis('softmax', 'axis', axis, x.rank) });
}

/** `x - logSumExp(x)` along `axis` (default last), computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', 'x', checkTensor('logSoftmax', 'x', x));
  return call(logSoftmaxDef, [x], { axis: checkAxis('logSoftmax', 'axis', axis, x.rank) });
}
