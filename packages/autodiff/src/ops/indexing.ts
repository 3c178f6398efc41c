/** @file takeAlongAxis / scatterAddAlongAxis (each the other's adjoint), oneHot, and gather built on them. */
import type { FloatDType } from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { call, defineOp, nonDifferentiable } from './def.js';
import { broadcastTo, reshape } from './movement.js';
import { checkAxis, checkDType, checkInt, FLOAT_DTYPES, MAX_ELEMENTS } from '../validate.js';
import { checkInt32, checkTensor } from './util.js';

// y = take(x, idx): x̄ = scatterAdd(ȳ, idx); the indices get no gradient
export const takeAlongAxisDef = defineOp({
  name: 'takeAlongAxis',
  differentiable: true,
  forward: (k, [x, idx], { axis }) => k.takeAlongAxis(x!, idx!, axis),
  vjp: (g, { inputs: [x, idx], attrs: { axis } }) => [scatterAddAlongAxis(g, idx!, axis, x!.shape[axis]!), null],
});

// y = scatterAdd(u, idx): ū = take(ȳ, idx)
export const scatterAddAlongAxisDef = defineOp({
  name: 'scatterAddAlongAxis',
  differentiable: true,
  forward: (k, [u, idx], { axis, size }) => k.scatterAddAlongAxis(u!, idx!, axis, size),
  vjp: (g, { inputs: [, idx], attrs: { axis } }) => [takeAlongAxis(g, idx!, axis), null],
});

function checkIndexShape(op: string, x: Tensor, idx: Tensor, axis: number): void {
  checkInt32(op, 'indices', checkTensor(op, 'indices', idx));
  if (idx.rank !== x.rank || idx.shape.some((d, i) => i !== axis && d !== x.shape[i])) {
    throw new ShapeError(
      op,
      'indices',
      `have shape ${fmt(idx.shape)}; expected ${fmt(x.shape)} except along axis ${axis}`,
    );
  }
}

/** NumPy `take_along_axis`: `y[..i..] = x[..idx[..i..]..]` along `axis`; idx is int32, in range. */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  const ax = checkAxis('takeAlongAxis', 'axis', axis, checkTensor('takeAlongAxis', 'x', x).rank);
  checkIndexShape('takeAlongAxis', x, indices, ax);
  return call(takeAlongAxisDef, [x, indices], { axis: ax });
}

/** Adds each `updates` element into a zero tensor at position `indices` along `axis` (length `size`). */
export function scatterAddAlongAxis(updates: Tensor, indices: Tensor, axis: number, size: number): Tensor {
  const op = 'scatterAddAlongAxis';
  const ax = checkAxis(op, 'axis', axis, checkTensor(op, 'updates', updates).rank);
  checkIndexShape(op, updates, indices, ax);
  checkInt(op, 'size', size, 0);
  return call(scatterAddAlongAxisDef, [updates, indices], { axis: ax, size });
}

/**
 * Selects whole slices along `axis` (NumPy `take`, e.g. rows of a table): x `[..., n, ...]`, indices
 * int32 `[m]` → `[..., m, ...]`.
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  const ax = checkAxis('gather', 'axis', axis, checkTensor('gather', 'x', x).rank);
  checkInt32('gather', 'indices', checkTensor('gather', 'indices', indices));
  if (indices.rank !== 1)
    throw new ShapeError('gather', 'indices', `have shape ${fmt(indices.shape)}; expected rank 1`);
  const target = x.shape.map((d, i) => (i === ax ? indices.size : d));
  const idx = broadcastTo(
    reshape(
      indices,
      x.shape.map((_, i) => (i === ax ? indices.size : 1)),
    ),
    target,
  );
  return takeAlongAxis(x, idx, ax);
}

export const oneHotDef = nonDifferentiable('oneHot', (k, [i], { depth, dtype }) => k.oneHot(i!, depth, dtype));

/** int32 indices `[...S]` → `[...S, depth]` with 1 at each index (an all-zero row when out of range). */
export function oneHot(indices: Tensor, depth: number, dtype: FloatDType = 'float32'): Tensor {
  checkInt32('oneHot', 'indices', checkTensor('oneHot', 'indices', indices));
  checkInt('oneHot', 'depth', depth, 1, Math.floor(MAX_ELEMENTS / Math.max(indices.size, 1)));
  checkDType('oneHot', 'dtype', dtype, FLOAT_DTYPES);
  return call(oneHotDef, [indices], { depth, dtype });
}
