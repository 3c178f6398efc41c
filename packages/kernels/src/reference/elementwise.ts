/**
 * @file Elementwise kernels: unary, binary, compare, where, cast.
 *
 * Results are stored in the input dtype, so float32 rounds on store and float64 stays float64.
 * NaN propagates through every arithmetic op; comparisons follow IEEE 754 (any comparison with NaN is
 * false except `notEqual`).
 */
import type { BinaryOp, CompareOp, DType, Shape, TypedArray, UnaryOp } from '../backend.js';
import { allocate, sizeOf } from '../shape.js';
import { erf, erfc } from './erf.js';
import { broadcastOffsets, sameShape } from './offsets.js';
import { broadcastAll, checkSameDtype } from '../validate.js';
import { check, type RTensor, tensorOf } from './tensor.js';

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

/** `1 / (1 + e^-x)`, evaluated so that neither branch overflows: `e^x / (1 + e^x)` for negative x. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Round half to even (NumPy's `round`): 0.5 → 0, 1.5 → 2, 2.5 → 2, -2.5 → -2. */
function roundHalfEven(x: number): number {
  const r = Math.round(x); // rounds half toward +∞
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sign(0) = 0, sign(NaN) = NaN. */
function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x;
}

const UNARY: { readonly [K in UnaryOp]: Fn1 } = {
  neg: (x) => -x,
  abs: Math.abs,
  sign,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => Math.max(x, 0), // relu(NaN) = NaN
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  erf,
  erfc,
};

/** `maximum`/`minimum` use Math.max/min, which return NaN when either side is NaN. */
const BINARY: { readonly [K in BinaryOp]: Fn2 } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
};

const COMPARE: { readonly [K in CompareOp]: Fn2 } = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

/** `y = op(x)` elementwise; float dtypes only. */
export function unary(op: UnaryOp, x: RTensor): RTensor {
  check(x.dtype !== 'int32', 'unary', () => `${op} needs a float dtype, got int32`);
  const f = UNARY[op];
  check(f !== undefined, 'unary', () => `unknown op ${op}`);
  const xd = x.data;
  const out = allocate(x.dtype, xd.length);
  for (let i = 0; i < xd.length; i++) out[i] = f(xd[i]!);
  return tensorOf(out, x.shape, x.dtype);
}

/** Applies `f` to `a` and `b` broadcast together, storing into a fresh array of `dtype`. */
function map2(f: Fn2, a: RTensor, b: RTensor, dtype: DType, kernel: string): RTensor {
  checkSameDtype(a, b, kernel, check);
  const shape = broadcastAll([a.shape, b.shape], kernel, check);
  const out = allocate(dtype, sizeOf(shape));
  map2Into(f, a, b, shape, out, kernel);
  return tensorOf(out, shape, dtype);
}

/** Writes `f(a, b)` broadcast to `shape` (already checked) into `out`, which has `shape`'s size. */
function map2Into(f: Fn2, a: RTensor, b: RTensor, shape: Shape, out: TypedArray, kernel: string): void {
  const n = out.length;
  const ad = a.data;
  const bd = b.data;
  if (sameShape(a.shape, b.shape)) {
    for (let i = 0; i < n; i++) out[i] = f(ad[i]!, bd[i]!);
  } else {
    const ia = broadcastOffsets(a.shape, shape, kernel);
    const ib = broadcastOffsets(b.shape, shape, kernel);
    for (let i = 0; i < n; i++) out[i] = f(ad[ia[i]!]!, bd[ib[i]!]!);
  }
}

/**
 * `y = op(a, b)` with NumPy broadcasting; a and b share a dtype, which y keeps. For int32 inputs the
 * result is truncated on store (ToInt32), e.g. `div(7, 2) = 3`.
 */
export function binary(op: BinaryOp, a: RTensor, b: RTensor): RTensor {
  const f = BINARY[op];
  check(f !== undefined, 'binary', () => `unknown op ${op}`);
  return map2(f, a, b, a.dtype, 'binary');
}

/**
 * binary or compare (`op`) written into `out`, an array of the broadcast shape's size and the inputs'
 * type: for backends whose storage a typed array can view (wasm), so the result needs no copy.
 */
export function elementwiseInto(op: BinaryOp | CompareOp, a: RTensor, b: RTensor, shape: Shape, out: TypedArray): void {
  const f = op in BINARY ? BINARY[op as BinaryOp] : COMPARE[op as CompareOp];
  const kernel = op in BINARY ? 'binary' : 'compare';
  check(f !== undefined, kernel, () => `unknown op ${op}`);
  map2Into(f, a, b, shape, out, kernel);
}

/** `y = (a op b) ? 1 : 0` with broadcasting, in the inputs' dtype. */
export function compare(op: CompareOp, a: RTensor, b: RTensor): RTensor {
  const f = COMPARE[op];
  check(f !== undefined, 'compare', () => `unknown op ${op}`);
  return map2(f, a, b, a.dtype, 'compare');
}

/** `y = cond ≠ 0 ? a : b`, all three broadcast together; y has a's dtype (cond may be any dtype). */
export function where(cond: RTensor, a: RTensor, b: RTensor): RTensor {
  checkSameDtype(a, b, 'where', check);
  const shape = broadcastAll([cond.shape, a.shape, b.shape], 'where', check);
  const n = sizeOf(shape);
  const ic = broadcastOffsets(cond.shape, shape, 'where');
  const ia = broadcastOffsets(a.shape, shape, 'where');
  const ib = broadcastOffsets(b.shape, shape, 'where');
  const out = allocate(a.dtype, n);
  for (let i = 0; i < n; i++) out[i] = cond.data[ic[i]!]! !== 0 ? a.data[ia[i]!]! : b.data[ib[i]!]!;
  return tensorOf(out, shape, a.dtype);
}

/**
 * Converts to `dtype` by the typed array's store conversion: float → int32 truncates toward zero (values
 * outside the int32 range wrap modulo 2³² and NaN/±∞ become 0, as JavaScript's ToInt32 does); float64 →
 * float32 rounds to nearest even.
 */
export function cast(x: RTensor, dtype: DType): RTensor {
  const out = allocate(dtype, x.data.length);
  out.set(x.data);
  return tensorOf(out, x.shape, dtype);
}
