/**
 * @file reduce, softmax and logSoftmax on the wasm backend (float32 in wasm; float64 and int32, and
 * argReduce for every dtype, on the reference loops). Sums accumulate in float64 in wasm too.
 */
import type { ReduceOp } from '../backend.js';
import { sizeOf } from '../shape.js';
import { checkAxes, checkAxis, checkFloat } from '../validate.js';
import { type Ctx, check, empty, filled, type WTensor } from './context.js';
import * as L from './layout.js';

const OPS: { readonly [K in ReduceOp]: number } = { sum: L.RED_SUM, max: L.RED_MAX, min: L.RED_MIN };
const IDENTITY: { readonly [K in ReduceOp]: number } = { sum: 0, max: -Infinity, min: Infinity };

/** At most three kept and three reduced dims after collapsing (each kind alternates). */
const MAX_RUNS = 3;

/**
 * x's dims without size-1 dims, neighbours of the same kind (kept / reduced) merged. Returns null when
 * more than three runs of one kind remain (then the reference loops run).
 */
function collapse(shape: readonly number[], axes: readonly number[]): { dims: number[]; red: boolean[] } | null {
  const dims: number[] = [];
  const red: boolean[] = [];
  shape.forEach((size, a) => {
    if (size === 1) return;
    const r = axes.includes(a);
    if (red.length > 0 && red[red.length - 1] === r) dims[dims.length - 1]! *= size;
    else {
      dims.push(size);
      red.push(r);
    }
  });
  const runs = (kind: boolean) => red.filter((r) => r === kind).length;
  return runs(true) > MAX_RUNS || runs(false) > MAX_RUNS ? null : { dims, red };
}

/** `y[kept] = ⊕_{reduced} x[kept, reduced]` over `axes` (distinct, sorted, non-negative). */
export function reduce(ctx: Ctx, op: ReduceOp, x: WTensor, axes: readonly number[]): WTensor {
  check(OPS[op] !== undefined, 'reduce', () => `unknown op ${op}`);
  checkAxes(axes, x.shape.length, 'reduce', check);
  if (x.dtype !== 'float32') return ctx.js.reduce(op, x, axes);
  const outShape = x.shape.filter((_, a) => !axes.includes(a));
  const outLen = sizeOf(outShape);
  const emptyReduction = axes.some((a) => x.shape[a] === 0);
  if (outLen === 0 || emptyReduction) return filled(ctx, outShape, IDENTITY[op]);
  const walk = collapse(x.shape, axes);
  if (walk === null) return ctx.js.reduce(op, x, axes);
  const { rt, tune } = ctx;
  const y = empty(ctx, outShape);
  // Nothing left to reduce (only size-1 axes): the result holds x's values.
  if (!walk.red.includes(true)) {
    rt.move(y.data.ptr, rt.addr(x.data, 'reduce'), outLen * 4);
    return y;
  }
  rt.begin();
  const px = rt.addr(x.data, 'reduce');
  const py = y.data.ptr;
  const d = rt.desc(L.R_WORDS);
  const innerKept = !walk.red[walk.red.length - 1]!;
  const n = sizeOf(x.shape);
  // Tiles: chunks of output elements (inner reduced) or of the innermost kept dim (inner kept).
  const innerLen = innerKept ? walk.dims[walk.dims.length - 1]! : outLen;
  const chunk = innerKept
    ? Math.min(innerLen, Math.max(4, tune.chunk / 16))
    : Math.max(1, Math.ceil(tune.chunk / (n / outLen)));
  const tiles = innerKept ? (outLen / innerLen) * Math.ceil(innerLen / chunk) : Math.ceil(outLen / chunk);
  rt.set(d, L.R_OP, OPS[op]);
  rt.set(d, L.R_X, px);
  rt.set(d, L.R_OUT, py);
  rt.set(d, L.R_RANK, walk.dims.length);
  rt.set(d, L.R_INNER_KEPT, innerKept ? 1 : 0);
  rt.set(d, L.R_CHUNK, chunk);
  rt.set(d, L.R_OUT_LEN, outLen);
  walk.dims.forEach((size, i) => {
    rt.set(d, L.R_SHAPE + i, size);
    rt.set(d, L.R_RED + i, walk.red[i] ? 1 : 0);
  });
  rt.run(d, L.JOB_REDUCE, tiles, 64 + chunk * 8, n * 0.5);
  return y;
}

/** Softmax or logSoftmax along `axis`, float32 in wasm. */
function softmaxLike(ctx: Ctx, x: WTensor, axis: number, log: boolean, kernel: string): WTensor {
  checkAxis(axis, x.shape.length, kernel, check);
  checkFloat(x, kernel, check);
  if (x.dtype !== 'float32') return log ? ctx.js.logSoftmax(x, axis) : ctx.js.softmax(x, axis);
  const n = sizeOf(x.shape);
  const y = empty(ctx, x.shape);
  if (n === 0) return y;
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const { rt, tune } = ctx;
  rt.begin();
  const px = rt.addr(x.data, kernel);
  const py = y.data.ptr;
  const d = rt.desc(L.S_WORDS);
  const lines = outer * inner;
  const chunk = Math.max(4, Math.ceil(tune.chunk / len));
  rt.set(d, L.S_LOG, log ? 1 : 0);
  rt.set(d, L.S_X, px);
  rt.set(d, L.S_OUT, py);
  rt.set(d, L.S_OUTER, outer);
  rt.set(d, L.S_LEN, len);
  rt.set(d, L.S_INNER, inner);
  rt.set(d, L.S_CHUNK, chunk);
  rt.run(d, L.JOB_SOFTMAX, Math.ceil(lines / chunk), 64, n * 2);
  return y;
}

/** `softmax(x)_j = exp(x_j - m) / Σ_k exp(x_k - m)` along `axis`. */
export const softmax = (ctx: Ctx, x: WTensor, axis: number): WTensor => softmaxLike(ctx, x, axis, false, 'softmax');

/** `logSoftmax(x)_j = x_j - m - log Σ_k exp(x_k - m)` along `axis`. */
export const logSoftmax = (ctx: Ctx, x: WTensor, axis: number): WTensor =>
  softmaxLike(ctx, x, axis, true, 'logSoftmax');
