/** @file Small constructors and checks shared by the reference kernels. */
import type { DType, KTensor, Shape, TypedArray } from '../backend.js';
import { allocate, sizeOf } from '../shape.js';

/** A reference-backend tensor: the typed array itself plus its shape and dtype. */
export type RTensor = KTensor<TypedArray>;

/** Wraps `data` (not copied) as a tensor of `shape`; the dtype is the one given. */
export function tensorOf(data: TypedArray, shape: Shape, dtype: DType): RTensor {
  return { data, shape: [...shape], dtype };
}

/** A fresh zero tensor of `shape` and `dtype`. */
export function zerosOf(shape: Shape, dtype: DType): RTensor {
  return tensorOf(allocate(dtype, sizeOf(shape)), shape, dtype);
}

/** Copies a float64 accumulator into a fresh tensor of `dtype` (float32 rounds on store). */
export function fromAccumulator(acc: Float64Array, shape: Shape, dtype: DType): RTensor {
  const data = allocate(dtype, acc.length);
  data.set(acc);
  return tensorOf(data, shape, dtype);
}

/** Throws `reference.<kernel>: <what>` unless `cond` holds. */
export function check(cond: boolean, kernel: string, what: () => string): asserts cond {
  if (!cond) throw new Error(`reference.${kernel}: ${what()}`);
}

/**
 * Splits `shape` around `axis` into `[outer, len, inner]`: the flat index of `(o, j, i)` is
 * `(o*len + j)*inner + i`.
 */
export function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** Shape text for error messages, e.g. `[2,3]`. */
export { fmtShape as fmt } from '../validate.js';
