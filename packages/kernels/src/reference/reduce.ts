/**
 * @file Reductions: reduce (sum/max/min), argReduce (argmax/argmin), softmax, logSoftmax.
 *
 * Sums accumulate in a JS number (double) and round once on store. max/min propagate NaN; argmax/argmin
 * return the first NaN along the axis if there is one (as NumPy does), otherwise the first extremum.
 */
import type { ArgReduceOp, ReduceOp } from '../backend.js';
import { allocate, sizeOf } from '../shape.js';
import { broadcastOffsets } from './offsets.js';
import { checkAxes, checkAxis, checkFloat } from '../validate.js';
import { aroundAxis, check, fromAccumulator, type RTensor, tensorOf } from './tensor.js';

/** Identity of each reduction: the value of a reduction over an empty set. */
const INIT: { readonly [K in ReduceOp]: number } = { sum: 0, max: -Infinity, min: Infinity };

/**
 * Reduces `x` over `axes` (distinct, sorted, non-negative), removing them from the shape:
 * `y[kept] = ⊕_{reduced} x[kept, reduced]`. Empty `axes` is a copy; all axes give rank 0. An empty
 * reduction gives the identity (0, -∞, +∞; for int32 the infinities store as 0).
 */
export function reduce(op: ReduceOp, x: RTensor, axes: readonly number[]): RTensor {
  const rank = x.shape.length;
  checkAxes(axes, rank, 'reduce', check);
  const keep = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const outShape = x.shape.filter((_, a) => !axes.includes(a));
  const acc = new Float64Array(sizeOf(outShape)).fill(INIT[op]);
  // The inverse view of broadcasting: input element i lands in output element `to[i]`.
  const to = broadcastOffsets(keep, x.shape, 'reduce');
  const xd = x.data;
  if (op === 'sum') {
    for (let i = 0; i < xd.length; i++) acc[to[i]!]! += xd[i]!;
  } else {
    const better = op === 'max' ? (v: number, m: number) => v > m : (v: number, m: number) => v < m;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i]!;
      const j = to[i]!;
      const m = acc[j]!;
      if (better(v, m) || (Number.isNaN(v) && !Number.isNaN(m))) acc[j] = v; // a NaN, once in, stays
    }
  }
  return fromAccumulator(acc, outShape, x.dtype);
}

/**
 * Index of the first max (argmax) or min (argmin) along `axis`, which is removed from the shape; int32.
 * A NaN counts as the extremum: the first NaN along the axis wins.
 */
export function argReduce(op: ArgReduceOp, x: RTensor, axis: number): RTensor {
  checkAxis(axis, x.shape.length, 'argReduce', check);
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  check(len > 0 || outer * inner === 0, 'argReduce', () => `${op} over an empty axis`);
  const out = allocate('int32', outer * inner);
  const xd = x.data;
  const better = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let best = xd[base]!;
      let bi = 0;
      for (let j = 1; j < len && !Number.isNaN(best); j++) {
        const v = xd[base + j * inner]!;
        if (Number.isNaN(v) || better(v, best)) {
          best = v;
          bi = j;
        }
      }
      out[o * inner + i] = bi;
    }
  }
  return tensorOf(
    out,
    x.shape.filter((_, a) => a !== axis),
    'int32',
  );
}

/** Calls `row(base, len, inner)` for every line of `x` along `axis` (elements `base + j*inner`). */
function forEachLine(x: RTensor, axis: number, row: (base: number, len: number, inner: number) => void): void {
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) row(o * len * inner + i, len, inner);
}

/**
 * Along `axis`: `m = max x`, `s = Σ exp(x - m)`, then softmax `exp(x - m) / s` or logSoftmax
 * `x - m - log s`. Subtracting the max keeps every exponent ≤ 0, so large logits neither overflow nor
 * lose the result.
 */
function softmaxLike(x: RTensor, axis: number, log: boolean, kernel: string): RTensor {
  checkAxis(axis, x.shape.length, kernel, check);
  checkFloat(x, kernel, check);
  const xd = x.data;
  const out = allocate(x.dtype, xd.length);
  const e = new Float64Array(x.shape[axis]!);
  forEachLine(x, axis, (base, len, inner) => {
    let m = -Infinity;
    for (let j = 0; j < len; j++) {
      const v = xd[base + j * inner]!;
      if (v > m || Number.isNaN(v)) m = v;
      if (Number.isNaN(m)) break;
    }
    let s = 0;
    for (let j = 0; j < len; j++) {
      e[j] = Math.exp(xd[base + j * inner]! - m);
      s += e[j]!;
    }
    const logS = Math.log(s);
    for (let j = 0; j < len; j++) {
      const k = base + j * inner;
      out[k] = log ? xd[k]! - m - logS : e[j]! / s;
    }
  });
  return tensorOf(out, x.shape, x.dtype);
}

/** `softmax(x)_j = exp(x_j - m) / Σ_k exp(x_k - m)` along `axis`, with `m = max_k x_k`. */
export function softmax(x: RTensor, axis: number): RTensor {
  return softmaxLike(x, axis, false, 'softmax');
}

/** `logSoftmax(x)_j = x_j - m - log Σ_k exp(x_k - m)` along `axis`, with `m = max_k x_k`. */
export function logSoftmax(x: RTensor, axis: number): RTensor {
  return softmaxLike(x, axis, true, 'logSoftmax');
}
