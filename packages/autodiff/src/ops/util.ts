/** @file Argument checking shared by the public op wrappers. */
import { broadcastShapes, type DType, type Shape } from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import { full, Tensor } from '../tensor.js';
import { checkArray, checkAxis, describeValue } from '../validate.js';

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

/** `x` if it is a Tensor. */
export function checkTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ShapeError(op, arg, `must be a Tensor; got ${describeValue(x)}`);
  return x;
}

/** `x` if it is a Tensor or a number (a number adopts the other operand's dtype; NaN is a value, not a mistake). */
export function checkTensorLike(op: string, arg: string, x: unknown): TensorLike {
  if (!(x instanceof Tensor) && typeof x !== 'number')
    throw new ShapeError(op, arg, `must be a Tensor or a number; got ${describeValue(x)}`);
  return x;
}

/** `xs` if it is a non-empty array of Tensors. */
export function checkTensors(op: string, arg: string, xs: unknown): readonly Tensor[] {
  const list = checkArray(op, arg, xs);
  if (list.length === 0) throw new ShapeError(op, arg, 'is empty');
  list.forEach((x, i) => {
    checkTensor(op, `${arg}[${i}]`, x);
  });
  return list as readonly Tensor[];
}

export function checkFloat(op: string, arg: string, x: Tensor): void {
  if (x.dtype === 'int32') throw new ShapeError(op, arg, `has dtype int32 but a float dtype is required`);
}

export function checkInt32(op: string, arg: string, x: Tensor): void {
  if (x.dtype !== 'int32') throw new ShapeError(op, arg, `has dtype ${x.dtype} but int32 indices are required`);
}

/** Broadcast shape of two operands or a ShapeError naming the op. */
export function broadcastOrThrow(op: string, a: Shape, b: Shape): number[] {
  const s = broadcastShapes(a, b);
  if (s === null) throw new ShapeError(op, 'b', `has shape ${fmt(b)}, which does not broadcast with a's ${fmt(a)}`);
  return s;
}

/** Normalises a list of axes (default: all), sorted and without duplicates. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const given = typeof axes === 'number' ? [axes] : checkArray(op, 'axes', axes);
  const list = given.map((a) => checkAxis(op, 'axes', a, rank));
  const sorted = [...new Set(list)].sort((x, y) => x - y);
  if (sorted.length !== list.length) throw new ShapeError(op, 'axes', `[${list.join(', ')}] has duplicates`);
  return sorted;
}

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
