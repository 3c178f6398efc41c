/**
 * @file Axis reductions: one template over `[outer, len, inner]` lines serves reduce (sum/max/min, one
 * contiguous block of axes per pass) and argReduce; softmax and logSoftmax are three passes over the same
 * lines (max, shifted log-sum-exp, apply). Sums accumulate in float32 in line order.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { ArgReduceOp, ReduceOp, Shape } from '@tapenet/kernels';
import { checkAxes, checkAxis, checkFloat, sizeOf } from '@tapenet/kernels';
import { check } from './elementwise.js';
import { aroundAxis } from './geometry.js';
import { copy } from './movement.js';
import type { GTensor, Runtime, LaunchSpec } from './runtime.js';

declare function floorDiv(r: number, d: number): number;
declare function isNan(v: number): number;

interface LineConsts {
  readonly len: number;
  readonly inner: number;
  /** 0 sum, 1 max, 2 min, 3 argmax, 4 argmin (reduce kernel); 0 softmax, 1 logSoftmax (apply kernel). */
  readonly op: number;
}

const OP_CODE: { readonly [K in ReduceOp | ArgReduceOp]: number } = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4 };

/**
 * `y[o, i] = ⊕_{j < len} x[o, j, i]` (needs len ≥ 1). max/min keep the first NaN they meet; argmax/argmin
 * return the index of the first extremum, or of the first NaN.
 */
export function lineReduceKernel(this: IKernelFunctionThis<LineConsts>, x: Float32Array): number {
  const o = floorDiv(this.thread.x, this.constants.inner);
  const base = o * this.constants.len * this.constants.inner + (this.thread.x - o * this.constants.inner);
  let best = x[base]!;
  let at = 0;
  for (let j = 1; j < this.constants.len; j++) {
    const v = x[base + j * this.constants.inner]!;
    if (this.constants.op === 0) {
      best += v;
    } else if (isNan(best) === 0) {
      let better = 0;
      if (this.constants.op === 1 || this.constants.op === 3) {
        if (v > best) {
          better = 1;
        }
      } else if (v < best) {
        better = 1;
      }
      if (isNan(v) > 0) {
        better = 1;
      }
      if (better > 0) {
        best = v;
        at = j;
      }
    }
  }
  if (this.constants.op >= 3) {
    return at;
  }
  return best;
}

/** `log Σ_j exp(x[o, j, i] - m[o, i])` per line. */
export function logSumExpKernel(this: IKernelFunctionThis<LineConsts>, x: Float32Array, m: Float32Array): number {
  const o = floorDiv(this.thread.x, this.constants.inner);
  const base = o * this.constants.len * this.constants.inner + (this.thread.x - o * this.constants.inner);
  const mx = m[this.thread.x]!;
  let s = 0;
  for (let j = 0; j < this.constants.len; j++) {
    s += Math.exp(x[base + j * this.constants.inner]! - mx);
  }
  return Math.log(s);
}

/** softmax `exp(x - m - ls)` (op 0) or logSoftmax `x - m - ls` (op 1), m and ls per line. */
export function softmaxApplyKernel(
  this: IKernelFunctionThis<LineConsts>,
  x: Float32Array,
  m: Float32Array,
  ls: Float32Array,
): number {
  const q = floorDiv(this.thread.x, this.constants.inner);
  const o = floorDiv(q, this.constants.len);
  const k = o * this.constants.inner + (this.thread.x - q * this.constants.inner);
  const z = x[this.thread.x]! - m[k]! - ls[k]!;
  if (this.constants.op === 1) {
    return z;
  }
  return Math.exp(z);
}

/** `y[i] = value` (the identity of a reduction over an empty axis). */
export function fillKernel(this: IKernelFunctionThis, value: number): number {
  return value + this.thread.x * 0;
}

/** One pass: reduces axes `[a0, a1]` (contiguous) of x. */
function reduceBlock(rt: Runtime, op: ReduceOp, x: GTensor, a0: number, a1: number): GTensor {
  const outShape = [...x.shape.slice(0, a0), ...x.shape.slice(a1 + 1)];
  const len = sizeOf(x.shape.slice(a0, a1 + 1));
  const inner = sizeOf(x.shape.slice(a1 + 1));
  if (len === 0) {
    const identity = op === 'sum' || x.dtype === 'int32' ? 0 : op === 'max' ? -Infinity : Infinity;
    return rt.tensor({ label: 'reduce', kernel: 'fillKernel', constants: {} }, [identity], outShape, x.dtype);
  }
  const launch: LaunchSpec = {
    label: 'reduce',
    kernel: 'lineReduceKernel',
    constants: { len, inner, op: OP_CODE[op] },
    loopMax: len,
  };
  return rt.tensor(launch, [x], outShape, x.dtype);
}

/** Reduces over `axes` (distinct, sorted), one contiguous run of axes per pass, last run first. */
export function reduce(rt: Runtime, op: ReduceOp, x: GTensor, axes: readonly number[]): GTensor {
  checkAxes(axes, x.shape.length, 'reduce', check);
  check(op === 'sum' || op === 'max' || op === 'min', 'reduce', () => `unknown op ${op}`);
  if (axes.length === 0) return copy(rt, x, 'reduce');
  let cur = x;
  let end = axes.length - 1;
  while (end >= 0) {
    let start = end;
    while (start > 0 && axes[start - 1] === axes[start]! - 1) start--;
    const next = reduceBlock(rt, op, cur, axes[start]!, axes[end]!);
    if (cur !== x) rt.release(cur.data);
    cur = next;
    end = start - 1;
  }
  return cur;
}

/** Index of the first max/min along `axis` (removed from the shape); int32. */
export function argReduce(rt: Runtime, op: ArgReduceOp, x: GTensor, axis: number): GTensor {
  checkAxis(axis, x.shape.length, 'argReduce', check);
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  check(len > 0 || outer * inner === 0, 'argReduce', () => `${op} over an empty axis`);
  check(op === 'argmax' || op === 'argmin', 'argReduce', () => `unknown op ${op}`);
  const shape = x.shape.filter((_, a) => a !== axis);
  const launch: LaunchSpec = {
    label: 'argReduce',
    kernel: 'lineReduceKernel',
    constants: { len, inner, op: OP_CODE[op] },
    loopMax: len,
  };
  return rt.tensor(launch, [x], shape, 'int32');
}

/** softmax (`log` false) or logSoftmax along `axis`: `m = max x`, `ls = log Σ exp(x - m)`, then apply. */
function softmaxLike(rt: Runtime, x: GTensor, axis: number, log: boolean): GTensor {
  const label = log ? 'logSoftmax' : 'softmax';
  checkAxis(axis, x.shape.length, label, check);
  checkFloat(x, label, check);
  const [, len, inner] = aroundAxis(x.shape, axis);
  if (sizeOf(x.shape) === 0) return copy(rt, x, label);
  const lineShape: Shape = x.shape.filter((_, a) => a !== axis);
  const m = rt.tensor(
    { label, kernel: 'lineReduceKernel', constants: { len, inner, op: 1 }, loopMax: len },
    [x],
    lineShape,
    'float32',
  );
  const ls = rt.tensor(
    { label, kernel: 'logSumExpKernel', constants: { len, inner, op: 0 }, loopMax: len },
    [x, m],
    lineShape,
    'float32',
  );
  const y = rt.tensor(
    { label, kernel: 'softmaxApplyKernel', constants: { len, inner, op: log ? 1 : 0 } },
    [x, m, ls],
    x.shape,
    'float32',
  );
  rt.release(m.data);
  rt.release(ls.data);
  return y;
}

export function softmax(rt: Runtime, x: GTensor, axis: number): GTensor {
  return softmaxLike(rt, x, axis, false);
}

export function logSoftmax(rt: Runtime, x: GTensor, axis: number): GTensor {
  return softmaxLike(rt, x, axis, true);
}
