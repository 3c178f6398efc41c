/** @file Argument checking shared by the public op wrappers. */
import { broadcastShapes, type DType, type Shape } from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import { full, Tensor } from '../tensor.js';

/** A tensor or a plain number (which takes the dtype of the tensor it meets). */
export type TensorLike = Tensor | number;

/** Turns numbers into rank-0 tensors of `dtype`. */
export const lift = (x: TensorLike, dtype: DType): Tensor => (x instanceof Tensor ? x : full([], x, dtype));

/** The common dtype of two operands, where a number adopts the other side's dtype. */
export function commonDType(op: string, a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) {
    if (a.dtype !== b.dtype) throw new ShapeError(op, 'b', `has dtype ${b.dtype} but a has ${a.dtype}; cast one first`);
    return a.dtype;
  }
  if (a instanceof Tensor) return a.dtype;
  if (b instanceof Tensor) return b.dtype;
  return 'float32';
}

export function checkFloat(op: string, arg: string, x: Tensor): void {
  if (x.dtype === 'int32') throw new ShapeError(op, arg, `has dtype int32 but a float dtype is required`);
}

export function checkInt(op: string, arg: string, x: Tensor): void {
  if (x.dtype !== 'int32') throw new ShapeError(op, arg, `has dtype ${x.dtype} but int32 indices are required`);
}

/** Broadcast shape of two operands or a ShapeError naming the op. */
export function broadcastOrThrow(op: string, a: Shape, b: Shape): number[] {
  const s = broadcastShapes(a, b);
  if (s === null) throw new ShapeError(op, 'b', `has shape ${fmt(b)}, which does not broadcast with a's ${fmt(a)}`);
  return s;
}

/** Normalises a possibly negative axis into `[0, rank)`. */
export function normAxis(op: string, axis: number, rank: number, arg = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, arg, `${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises a list of axes (default: all), sorted and without duplicates. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : axes).map((a) => normAxis(op, a, rank, 'axes'));
  const sorted = [...new Set(list)].sort((x, y) => x - y);
  if (sorted.length !== list.length) throw new ShapeError(op, 'axes', `[${list.join(', ')}] has duplicates`);
  return sorted;
}

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
