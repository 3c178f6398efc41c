/** @file The immutable Tensor value and its constructors. */
import { type Backend, type DType, dtypeOf, type KTensor, type Shape, sizeOf, type TypedArray } from '@tapenet/kernels';
import { getBackend } from './context.js';
import { fmt, ShapeError } from './errors.js';
import { checkLive, created } from './lifetime.js';
import {
  checkDType,
  checkInt,
  checkNumber,
  checkOptions,
  checkShape,
  describeValue,
  MAX_ELEMENTS,
} from './validate.js';

/** Nested JS arrays of numbers, as accepted by `tensor` and returned by `toArray`. */
export type NestedArray = number | readonly NestedArray[];

/**
 * An immutable n-dimensional array. No operation mutates a tensor: ops return new tensors, and `data()`
 * returns a copy. The object and its `shape` are frozen, so `t.shape = s` throws in strict code. Create tensors with `tensor`, `zeros`, `ones`, `full`, `arange`, `eye` or the samplers
 * in `random`.
 */
export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;

  /** @internal Use the constructor functions; `kt` is backend storage and must never be written. */
  constructor(
    /** @internal */ readonly kt: KTensor,
    /** @internal */ readonly backend: Backend,
  ) {
    this.shape = Object.freeze([...kt.shape]);
    this.dtype = kt.dtype;
    this.size = sizeOf(kt.shape);
    // Frozen at run time too, for callers the `readonly` types do not reach (plain JavaScript).
    Object.freeze(this);
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** A fresh copy of the elements in row-major order. */
  data(): TypedArray {
    checkLive('data', [this.kt]);
    return this.backend.read(this.kt);
  }

  /** The elements as nested JS arrays (a plain number for rank 0). */
  toArray(): NestedArray {
    const flat = this.data();
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return flat[offset]!;
      const n = this.shape[axis]!;
      const step = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * step));
    };
    return build(0, 0);
  }

  /** The single element of a size-1 tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', 'tensor', `has shape ${fmt(this.shape)}; item() needs size 1`);
    return this.data()[0]!;
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${fmt(this.shape)})`;
  }
}

/** Wraps backend output as a tensor of the backend that made it. */
export const fromKernel = (kt: KTensor, backend: Backend): Tensor => new Tensor(kt, backend);

/** Wraps a buffer the backend has just made (not shared with any tensor), recording it in the open scope. */
export function fromNewBuffer(kt: KTensor, backend: Backend): Tensor {
  created(kt, backend);
  return new Tensor(kt, backend);
}

/** Options for tensor constructors. */
export type TensorOptions = { readonly dtype?: DType; readonly shape?: Shape };

function inferShape(values: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = (v as readonly NestedArray[])[0] ?? 0;
  }
  const check = (x: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (typeof x !== 'number') throw new ShapeError(op, 'values', `are ragged: expected a number at depth ${axis}`);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[axis]) {
      throw new ShapeError(op, 'values', `are ragged: expected length ${shape[axis]} at depth ${axis}`);
    }
    for (const y of x as readonly NestedArray[]) check(y, axis + 1);
  };
  check(values, 0);
  return shape;
}

function typedArrayOf(dtype: DType, values: ArrayLike<number>): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
  }
}

/** A typed array of numbers (not a DataView, not a BigInt64Array); other than float arrays they become int32. */
const isNumberArray = (v: unknown): v is TypedArray =>
  ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);

/**
 * Creates a tensor from a number, nested arrays or a typed array (copied).
 * @example tensor([[1, 2], [3, 4]]) // float32 [2, 2]
 * @example tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] })
 */
export function tensor(values: NestedArray | TypedArray, opts?: TensorOptions): Tensor {
  const o = checkOptions('tensor', 'opts', opts);
  const isTyped = isNumberArray(values);
  if (!isTyped && typeof values !== 'number' && !Array.isArray(values)) {
    const expected = 'a number, nested arrays of numbers or a typed array of numbers';
    throw new ShapeError('tensor', 'values', `must be ${expected}; got ${describeValue(values)}`);
  }
  const dtype =
    o.dtype === undefined
      ? isTyped
        ? dtypeOf(values as TypedArray)
        : 'float32'
      : checkDType('tensor', 'dtype', o.dtype);
  const given = o.shape === undefined ? undefined : checkShape('tensor', 'shape', o.shape);
  let flat: TypedArray;
  let shape: Shape;
  if (isTyped) {
    const arr = values as TypedArray;
    shape = given ?? [arr.length];
    flat = typedArrayOf(dtype, arr);
  } else {
    const nested = values as NestedArray;
    const inferred = inferShape(nested, 'tensor');
    flat = typedArrayOf(
      dtype,
      typeof nested === 'number' ? [nested] : (nested as number[]).flat(Number.POSITIVE_INFINITY as 1),
    );
    shape = given ?? inferred;
  }
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(
      'tensor',
      'shape',
      `${fmt(shape)} holds ${sizeOf(shape)} elements but ${flat.length} were given`,
    );
  }
  const t = uploaded(flat, shape);
  if (flat instanceof Int32Array) uploadedRanges.set(t.kt.data as object, rangeOf(flat));
  return t;
}

/**
 * The smallest and largest element of int32 tensors made by `tensor` from JavaScript values, computed
 * while the values were at hand, so that checks of labels and indices need not copy them back out of
 * a backend's memory. Keyed weakly by buffer.
 */
const uploadedRanges = new WeakMap<object, readonly [number, number]>();

const rangeOf = (values: Int32Array): readonly [number, number] => {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
};

/**
 * The smallest and largest element of an int32 tensor (±∞ for an empty one): known without a copy when
 * `tensor` made it from JavaScript values, else read back.
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export function int32Range(t: Tensor): readonly [number, number] {
  if (t.dtype !== 'int32') throw new ShapeError('int32Range', 't', `has dtype ${t.dtype}; expected int32`);
  return uploadedRanges.get(t.kt.data as object) ?? rangeOf(t.data() as Int32Array);
}

/** A new tensor of the active backend holding a copy of `values`. */
function uploaded(values: TypedArray, shape: Shape): Tensor {
  const backend = getBackend();
  return fromNewBuffer(backend.upload(values, shape), backend);
}

/** `shape` filled with `value`, validated as the arguments of `op`. */
function filled(op: string, shape: unknown, value: unknown, dtype: unknown): Tensor {
  const s = checkShape(op, 'shape', shape);
  const v = checkNumber(op, 'value', value, false);
  const d = checkDType(op, 'dtype', dtype);
  const backend = getBackend();
  if (backend.fill !== undefined) {
    // Made where the backend computes (wasm: in its memory), no copy from JavaScript.
    return fromNewBuffer(backend.fill(s, v, d), backend);
  }
  const arr = new (typedArrayOf(d, []).constructor as new (n: number) => TypedArray)(sizeOf(s));
  arr.fill(v);
  return uploaded(arr, s);
}

const likeOf = (op: string, x: unknown): Tensor => {
  if (!(x instanceof Tensor)) throw new ShapeError(op, 'x', `must be a Tensor; got ${describeValue(x)}`);
  return x;
};

/** A tensor of `shape` filled with `value`. */
export const full = (shape: Shape, value: number, dtype: DType = 'float32'): Tensor =>
  filled('full', shape, value, dtype);
export const zeros = (shape: Shape, dtype: DType = 'float32'): Tensor => filled('zeros', shape, 0, dtype);
export const ones = (shape: Shape, dtype: DType = 'float32'): Tensor => filled('ones', shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => {
  const t = likeOf('zerosLike', x);
  return filled('zerosLike', t.shape, 0, t.dtype);
};
export const onesLike = (x: Tensor): Tensor => {
  const t = likeOf('onesLike', x);
  return filled('onesLike', t.shape, 1, t.dtype);
};
/** A rank-0 tensor. */
export const scalar = (value: number, dtype: DType = 'float32'): Tensor => filled('scalar', [], value, dtype);

/** `[start, start + step, ...]` up to but excluding `stop`. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  const op = 'arange';
  checkNumber(op, 'start', start);
  if (stop !== undefined) checkNumber(op, 'stop', stop);
  checkNumber(op, 'step', step);
  checkDType(op, 'dtype', dtype);
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new ShapeError(op, 'step', 'must not be 0');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  if (n > MAX_ELEMENTS) throw new ShapeError(op, 'step', `${step} gives ${n} elements, more than ${MAX_ELEMENTS}`);
  return tensor(
    typedArrayOf(
      dtype,
      Array.from({ length: n }, (_, i) => lo + i * step),
    ),
    { dtype },
  );
}

/** The `n × n` identity matrix. */
export function eye(n: number, dtype: DType = 'float32'): Tensor {
  checkInt('eye', 'n', n, 0, Math.floor(Math.sqrt(MAX_ELEMENTS)));
  checkDType('eye', 'dtype', dtype);
  const a = typedArrayOf(dtype, new Array<number>(n * n).fill(0));
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  return tensor(a, { shape: [n, n] });
}

/** Whether `x` is a Tensor. */
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
