/**
 * @file Validators for the arguments of public functions, for callers the TypeScript types do not protect
 * (plain JavaScript, `as any`, parsed configs). Each checks one argument in O(its length), never tensor
 * contents, and throws a `ShapeError` naming the op, the argument, what was expected and what came:
 * `pad: mode must be one of 'constant', 'edge'; got 'reflect'`. Layers use them too, with the layer's name.
 */
import type { DType, FloatDType, Pair, Padding4, Shape } from '@tapenet/kernels';
import { ShapeError } from './errors.js';

/** The largest tensor (in elements) a shape may describe: larger ones cannot be allocated anyway. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];
export const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

/** A short, safe description of any value for an error message: `'reflect'`, `2.5`, `an array of length 3`. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
}

const fail = (op: string, arg: string, expected: string, v: unknown): ShapeError =>
  new ShapeError(op, arg, `must be ${expected}; got ${describeValue(v)}`);

/** `value` if it is one of `allowed` (compared with `===`). */
export function checkOneOf<const T>(op: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    const list = allowed.map(describeValue).join(', ');
    throw fail(op, arg, allowed.length === 1 ? list : `one of ${list}`, value);
  }
  return value as T;
}

/** `value` if it is an integer in `[min, max]`. */
export function checkInt(op: string, arg: string, value: unknown, min = -MAX_ELEMENTS, max = MAX_ELEMENTS): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === MAX_ELEMENTS ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw fail(op, arg, `an integer ${range}`, value);
  }
  return value;
}

/** `value` if it is a number (NaN and ±∞ only when `finite` is false). */
export function checkNumber(op: string, arg: string, value: unknown, finite = true): number {
  if (typeof value !== 'number' || (finite && !Number.isFinite(value)))
    throw fail(op, arg, finite ? 'a finite number' : 'a number', value);
  return value;
}

/** `value` if it is `true` or `false`. */
export function checkBoolean(op: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw fail(op, arg, 'true or false', value);
  return value;
}

/** `value` if it is a function. */
export function checkFunction<F extends (...args: never[]) => unknown>(op: string, arg: string, value: unknown): F {
  if (typeof value !== 'function') throw fail(op, arg, 'a function', value);
  return value as F;
}

/** `value` if it is an array (of any length, or of `length` when given). */
export function checkArray(op: string, arg: string, value: unknown, length?: number): readonly unknown[] {
  if (!Array.isArray(value)) throw fail(op, arg, length === undefined ? 'an array' : `an array of ${length}`, value);
  if (length !== undefined && value.length !== length)
    throw new ShapeError(op, arg, `must have ${length} entries; got ${value.length}`);
  return value;
}

/** `value` if it is an array of integers ≥ `min`. */
export function checkInts(op: string, arg: string, value: unknown, min = 0): readonly number[] {
  const list = checkArray(op, arg, value);
  list.forEach((v, i) => {
    checkInt(op, `${arg}[${i}]`, v, min);
  });
  return list as readonly number[];
}

/** An options object: `{}` for `undefined`, otherwise a non-null, non-array object. */
export function checkOptions<T extends object>(op: string, arg: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(op, arg, 'an object', value);
  return value;
}

/** `dtype` if it is one of `allowed` (default: every dtype). */
export const checkDType = <D extends DType = DType>(
  op: string,
  arg: string,
  dtype: unknown,
  allowed: readonly D[] = DTYPES as readonly D[],
): D => checkOneOf(op, arg, dtype, allowed);

/** A shape: an array of non-negative integers describing at most `MAX_ELEMENTS` elements. */
export function checkShape(op: string, arg: string, shape: unknown): Shape {
  const dims = checkInts(op, arg, shape, 0);
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > MAX_ELEMENTS)
    throw new ShapeError(op, arg, `[${dims.join(', ')}] holds ${size} elements, more than ${MAX_ELEMENTS}`);
  return dims;
}

/** Throws unless a result of `shape`, which `arg` led to, can be allocated (at most `MAX_ELEMENTS` elements). */
export function checkResultSize(op: string, arg: string, shape: Shape): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_ELEMENTS)
    throw new ShapeError(op, arg, `gives a result of shape [${shape.join(', ')}]: more than ${MAX_ELEMENTS} elements`);
}

/** An axis of a rank-`rank` tensor, negative counting from the end, normalised into `[0, rank)`. */
export function checkAxis(op: string, arg: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, arg, `${describeValue(axis)} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** `v` (a number or `[h, w]`) as a pair of integers ≥ `min`. */
export function checkPair(op: string, arg: string, v: unknown, min = 1): Pair {
  if (typeof v === 'number') return [checkInt(op, arg, v, min), v];
  if (!Array.isArray(v) || v.length !== 2) throw fail(op, arg, `an integer ≥ ${min} or a pair [h, w] of them`, v);
  return [checkInt(op, `${arg}[0]`, v[0], min), checkInt(op, `${arg}[1]`, v[1], min)];
}

/**
 * A window padding: an integer ≥ 0, `[h, w]`, `[top, bottom, left, right]`, or (when `strings` allows
 * them) 'same' / 'valid'.
 */
export function checkPadding<const S extends string = never>(
  op: string,
  arg: string,
  v: unknown,
  strings: readonly S[] = [],
): number | Pair | Padding4 | S {
  if (typeof v === 'string') {
    if (strings.length === 0) throw fail(op, arg, 'an integer ≥ 0, [h, w] or [top, bottom, left, right]', v);
    return checkOneOf(op, arg, v, strings);
  }
  if (typeof v === 'number') return checkInt(op, arg, v, 0);
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 4)) {
    const names = strings.map(describeValue).join(', ');
    throw fail(op, arg, `an integer ≥ 0, [h, w], [top, bottom, left, right]${names ? ` or ${names}` : ''}`, v);
  }
  return checkInts(op, arg, v, 0) as Pair | Padding4;
}
