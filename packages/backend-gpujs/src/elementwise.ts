/**
 * @file Elementwise kernels: one unary-map template and one broadcast template for two or three operands,
 * each splicing a scalar snippet from `scalar.ts`. Host wrappers: unary, binary, compare, where, cast.
 *
 * int32 tensors are stored as float32 (exact within ±2^24); int32 arithmetic truncates toward zero on
 * store (`isInt`), as the reference's Int32Array store does.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { BinaryOp, CompareOp, DType, UnaryOp } from '@tapenet/kernels';
import { broadcastAll, checkSameDtype } from '@tapenet/kernels';
import { broadcastStrides, coalesce, perAxis } from './geometry.js';
import type { GTensor, DeviceFunction, Runtime, Snippet, LaunchSpec } from './runtime.js';
import { BINARY, COMPARE, TRUNC_INT, UNARY } from './scalar.js';

// Device functions supplied to every kernel by the runtime (see scalar.ts for why they are not imported).
declare function floorDiv(r: number, d: number): number;
declare function truncInt(v: number): number;
declare function unaryOp(v: number): number;
declare function binaryOp(a: number, b: number): number;

/** Per-axis output dims `d0..d5` (d0 outermost) and each operand's strides. */
interface Walk2 {
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  readonly d3: number;
  readonly d4: number;
  readonly d5: number;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
  readonly a4: number;
  readonly a5: number;
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly b3: number;
  readonly b4: number;
  readonly b5: number;
  readonly isInt: number;
}
interface Walk3 extends Walk2 {
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
  readonly c4: number;
  readonly c5: number;
}

/** `y[i] = unaryOp(x[i])`. */
export function unaryKernel(this: IKernelFunctionThis, x: Float32Array): number {
  return unaryOp(x[this.thread.x]!);
}

/** `y[i] = binaryOp(a[ia], b[ib])`, ia/ib walking the broadcast output coordinates of i. */
export function binaryKernel(this: IKernelFunctionThis<Walk2>, a: Float32Array, b: Float32Array): number {
  let r = this.thread.x;
  let q = floorDiv(r, this.constants.d5);
  let ia = (r - q * this.constants.d5) * this.constants.a5;
  let ib = (r - q * this.constants.d5) * this.constants.b5;
  r = q;
  q = floorDiv(r, this.constants.d4);
  ia += (r - q * this.constants.d4) * this.constants.a4;
  ib += (r - q * this.constants.d4) * this.constants.b4;
  r = q;
  q = floorDiv(r, this.constants.d3);
  ia += (r - q * this.constants.d3) * this.constants.a3;
  ib += (r - q * this.constants.d3) * this.constants.b3;
  r = q;
  q = floorDiv(r, this.constants.d2);
  ia += (r - q * this.constants.d2) * this.constants.a2;
  ib += (r - q * this.constants.d2) * this.constants.b2;
  r = q;
  q = floorDiv(r, this.constants.d1);
  ia += (r - q * this.constants.d1) * this.constants.a1 + q * this.constants.a0;
  ib += (r - q * this.constants.d1) * this.constants.b1 + q * this.constants.b0;
  const v = binaryOp(a[ia]!, b[ib]!);
  if (this.constants.isInt > 0) {
    return truncInt(v);
  }
  return v;
}

/** `y[i] = cond[ic] ≠ 0 ? a[ia] : b[ib]` over the broadcast of all three. */
export function whereKernel(
  this: IKernelFunctionThis<Walk3>,
  cond: Float32Array,
  a: Float32Array,
  b: Float32Array,
): number {
  let r = this.thread.x;
  let q = floorDiv(r, this.constants.d5);
  let ic = (r - q * this.constants.d5) * this.constants.c5;
  let ia = (r - q * this.constants.d5) * this.constants.a5;
  let ib = (r - q * this.constants.d5) * this.constants.b5;
  r = q;
  q = floorDiv(r, this.constants.d4);
  ic += (r - q * this.constants.d4) * this.constants.c4;
  ia += (r - q * this.constants.d4) * this.constants.a4;
  ib += (r - q * this.constants.d4) * this.constants.b4;
  r = q;
  q = floorDiv(r, this.constants.d3);
  ic += (r - q * this.constants.d3) * this.constants.c3;
  ia += (r - q * this.constants.d3) * this.constants.a3;
  ib += (r - q * this.constants.d3) * this.constants.b3;
  r = q;
  q = floorDiv(r, this.constants.d2);
  ic += (r - q * this.constants.d2) * this.constants.c2;
  ia += (r - q * this.constants.d2) * this.constants.a2;
  ib += (r - q * this.constants.d2) * this.constants.b2;
  r = q;
  q = floorDiv(r, this.constants.d1);
  ic += (r - q * this.constants.d1) * this.constants.c1 + q * this.constants.c0;
  ia += (r - q * this.constants.d1) * this.constants.a1 + q * this.constants.a0;
  ib += (r - q * this.constants.d1) * this.constants.b1 + q * this.constants.b0;
  if (cond[ic]! !== 0) {
    return a[ia]!;
  }
  return b[ib]!;
}

/** Throws `gpujs.<kernel>: <what>` unless `cond` holds. */
export function check(cond: boolean, kernel: string, what: () => string): asserts cond {
  if (!cond) throw new Error(`gpujs.${kernel}: ${what()}`);
}

const snippet = (as: string, key: string, fn: DeviceFunction): Snippet => ({ as, key, fn });

/** `y = op(x)` elementwise; float only (float32: this backend has no float64 tensors). */
export function unary(rt: Runtime, op: UnaryOp, x: GTensor): GTensor {
  check(x.dtype !== 'int32', 'unary', () => `${op} needs a float dtype, got int32`);
  const fn = UNARY[op];
  check(fn !== undefined, 'unary', () => `unknown op ${op}`);
  return rt.tensor(
    { label: 'unary', kernel: 'unaryKernel', snippet: snippet('unaryOp', op, fn), constants: {} },
    [x],
    x.shape,
    'float32',
  );
}

function map2(rt: Runtime, label: string, key: string, fn: DeviceFunction, a: GTensor, b: GTensor): GTensor {
  checkSameDtype(a, b, label, check);
  const shape = broadcastAll([a.shape, b.shape], label, check);
  const w = coalesce(
    { dims: shape, strides: [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)] },
    label,
  );
  const constants = {
    ...perAxis('d', w.dims),
    ...perAxis('a', w.strides[0]!),
    ...perAxis('b', w.strides[1]!),
    isInt: a.dtype === 'int32' && label === 'binary' ? 1 : 0,
  };
  return rt.tensor(
    { label, kernel: 'binaryKernel', snippet: snippet('binaryOp', key, fn), constants },
    [a, b],
    shape,
    a.dtype,
  );
}

/** `y = op(a, b)` with NumPy broadcasting; int32 results truncate toward zero. */
export function binary(rt: Runtime, op: BinaryOp, a: GTensor, b: GTensor): GTensor {
  const fn = BINARY[op];
  check(fn !== undefined, 'binary', () => `unknown op ${op}`);
  return map2(rt, 'binary', op, fn, a, b);
}

/** `y = (a op b) ? 1 : 0` with broadcasting, in the inputs' dtype. */
export function compare(rt: Runtime, op: CompareOp, a: GTensor, b: GTensor): GTensor {
  const fn = COMPARE[op];
  check(fn !== undefined, 'compare', () => `unknown op ${op}`);
  return map2(rt, 'compare', op, fn, a, b);
}

/** `y = cond ≠ 0 ? a : b`, all three broadcast together; y has a's dtype. */
export function where(rt: Runtime, cond: GTensor, a: GTensor, b: GTensor): GTensor {
  checkSameDtype(a, b, 'where', check);
  const shape = broadcastAll([cond.shape, a.shape, b.shape], 'where', check);
  const strides = [cond.shape, a.shape, b.shape].map((s) => broadcastStrides(s, shape));
  const w = coalesce({ dims: shape, strides }, 'where');
  const constants = {
    ...perAxis('d', w.dims),
    ...perAxis('c', w.strides[0]!),
    ...perAxis('a', w.strides[1]!),
    ...perAxis('b', w.strides[2]!),
    isInt: 0,
  };
  return rt.tensor({ label: 'where', kernel: 'whereKernel', constants }, [cond, a, b], shape, a.dtype);
}

/**
 * Converts element type: to int32 truncates toward zero (NaN/±∞ → 0; values beyond ±2^31 are not wrapped
 * as the reference's ToInt32 does); int32 → float32 and same-dtype casts copy. float64 is refused.
 */
export function cast(rt: Runtime, x: GTensor, dtype: DType): GTensor {
  check(dtype !== 'float64', 'cast', () => 'float64 is not supported by the gpujs backend (float32 storage)');
  const toInt = dtype === 'int32' && x.dtype !== 'int32';
  const op = toInt ? snippet('unaryOp', 'truncInt', TRUNC_INT) : snippet('unaryOp', 'copy', 'copyScalar');
  const launch: LaunchSpec = { label: 'cast', kernel: 'unaryKernel', snippet: op, constants: {} };
  return rt.tensor(launch, [x], x.shape, dtype);
}
