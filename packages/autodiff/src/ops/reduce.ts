/** @file Reductions: sum, max, min (differentiable), argmax/argmin, and the composites mean, variance, logSumExp. */
import type { ArgReduceOp, ReduceOp, Shape } from '@tapenet/kernels';
import type { Tensor } from '../tensor.js';
import { add, div, equal, exp, log, mul, square, sub, where } from './elementwise.js';
import { call, defineOp, nonDifferentiable, type OpDef } from './def.js';
import { broadcastTo, reshape } from './movement.js';
import { stopGradient } from './stop.js';
import { checkAxis, checkBoolean, checkOptions } from '../validate.js';
import { checkFloat, checkTensor, normAxes } from './util.js';

/** x's shape with the reduced axes kept as size 1. */
const keptShape = (shape: Shape, axes: readonly number[]): number[] => shape.map((d, i) => (axes.includes(i) ? 1 : d));

/** Spreads a reduced tensor back over the reduced axes. */
const spread = (r: Tensor, x: Tensor, axes: readonly number[]): Tensor =>
  broadcastTo(reshape(r, keptShape(x.shape, axes)), x.shape);

// sum: x̄ = ȳ broadcast over the reduced axes
export const sumDef = defineOp({
  name: 'sum',
  differentiable: true,
  forward: (k, [x], { axes }) => k.reduce('sum', x!, axes),
  vjp: (g, { inputs: [x], attrs: { axes } }) => [spread(g, x!, axes)],
});

// max/min: the gradient goes to the extreme elements, split evenly between ties (as jax-js does)
const extremeDef = <K extends ReduceOp & ('max' | 'min')>(name: K): OpDef<K> =>
  defineOp({
    name,
    differentiable: true,
    forward: (k, [x], { axes }) => k.reduce(name, x!, axes),
    vjp: (g, { inputs: [x], out, attrs: { axes } }) => {
      const mask = equal(x!, spread(out, x!, axes));
      const count = spread(sum(mask, axes), x!, axes);
      return [div(mul(spread(g, x!, axes), mask), count)];
    },
  });

export const maxDef = extremeDef('max');
export const minDef = extremeDef('min');

type Axes = number | readonly number[];
export type ReduceOptions = { readonly keepDims?: boolean };

/** Validates a reduction's x, axes and options: the axes normalised and `keepDims`. */
function reduceArgs(op: string, x: Tensor, axes: Axes | undefined, opts: ReduceOptions | undefined) {
  checkTensor(op, 'x', x);
  const ax = normAxes(op, axes, x.rank);
  const keepDims = checkBoolean(op, 'keepDims', checkOptions(op, 'opts', opts).keepDims ?? false);
  return { ax, keepDims };
}

function reduce(def: OpDef<'sum' | 'max' | 'min'>, x: Tensor, axes: Axes | undefined, opts?: ReduceOptions): Tensor {
  const { ax, keepDims } = reduceArgs(def.name, x, axes, opts);
  const y = ax.length === 0 ? x : call(def, [x], { axes: ax });
  return keepDims ? reshape(y, keptShape(x.shape, ax)) : y;
}

/** Sum over `axes` (default: all). */
export const sum = (x: Tensor, axes?: Axes, opts?: ReduceOptions): Tensor => reduce(sumDef, x, axes, opts);
/** Maximum over `axes` (default: all); ties share the gradient evenly. */
export const max = (x: Tensor, axes?: Axes, opts?: ReduceOptions): Tensor => reduce(maxDef, x, axes, opts);
/** Minimum over `axes` (default: all); ties share the gradient evenly. */
export const min = (x: Tensor, axes?: Axes, opts?: ReduceOptions): Tensor => reduce(minDef, x, axes, opts);

const argDef = <K extends ArgReduceOp>(name: K): OpDef<K> =>
  nonDifferentiable(name, (k, [x], { axis }) => k.argReduce(name, x!, axis));
export const argmaxDef = argDef('argmax');
export const argminDef = argDef('argmin');

/** Index (int32) of the first maximum along `axis`; no gradient. */
export const argmax = (x: Tensor, axis = -1): Tensor =>
  call(argmaxDef, [x], { axis: checkAxis('argmax', 'axis', axis, checkTensor('argmax', 'x', x).rank) });
/** Index (int32) of the first minimum along `axis`; no gradient. */
export const argmin = (x: Tensor, axis = -1): Tensor =>
  call(argminDef, [x], { axis: checkAxis('argmin', 'axis', axis, checkTensor('argmin', 'x', x).rank) });

/** Arithmetic mean over `axes` (default: all). */
export function mean(x: Tensor, axes?: Axes, opts?: ReduceOptions): Tensor {
  const { ax, keepDims } = reduceArgs('mean', x, axes, opts);
  checkFloat('mean', 'x', x);
  const n = ax.reduce((acc, a) => acc * x.shape[a]!, 1);
  return div(sum(x, ax, { keepDims }), n);
}

/** Population variance over `axes` (divides by n, as PyTorch's `unbiased=False`). */
export function variance(x: Tensor, axes?: Axes, opts?: ReduceOptions): Tensor {
  const { ax, keepDims } = reduceArgs('variance', x, axes, opts);
  checkFloat('variance', 'x', x);
  const m = mean(x, ax, { keepDims: true });
  return mean(square(sub(x, m)), ax, { keepDims });
}

/**
 * `log Σ exp(x)` over `axes`, stable for any magnitude: `m + log Σ exp(x - m)` with `m = max(x)` held
 * constant (its gradient cancels exactly, so stopping it changes nothing but rounding).
 */
export function logSumExp(x: Tensor, axes?: Axes, opts?: ReduceOptions): Tensor {
  const { ax, keepDims } = reduceArgs('logSumExp', x, axes, opts);
  checkFloat('logSumExp', 'x', x);
  const m = stopGradient(max(x, ax, { keepDims: true }));
  const safeM = where(equal(sub(m, m), 0), m, 0); // an infinite max would give inf - inf = NaN: use 0 there
  const lse = add(log(sum(exp(sub(x, safeM)), ax, { keepDims: true })), safeM);
  return keepDims
    ? lse
    : reshape(
        lse,
        x.shape.filter((_, i) => !ax.includes(i)),
      );
}
