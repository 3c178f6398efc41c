/**
 * @file Data movement that is faster here than in the reference's loops, all plain JavaScript reading
 * and writing wasm memory through typed-array views (outputs are allocated first: a later allocation
 * could grow the memory and detach the views):
 * - takeAlongAxis and scatterAddAlongAxis for float32 values and int32 indices (max pooling's gradient
 *   scatters with one, the gradient of that gradient gathers with the other), written monomorphic (one
 *   typed-array type per access site) so V8 compiles them to tight code. The reference versions serve
 *   every array type from one loop and accumulate in a float64 scratch array, which costs several times
 *   more. Other dtypes go to the reference loops.
 * - oneHot, writing its ones straight into the output's block (losses make one from the labels every step).
 * - broadcastTo for every dtype, as runs: the innermost dim of the collapsed broadcast is either a
 *   repeated element (`fill`) or a contiguous row (`set`), instead of one table lookup per element.
 */
import type { FloatDType, Shape } from '../backend.js';
import { alongAxisSizes, checkBroadcastsTo, checkIndex, checkScatterUpdates } from '../validate.js';
import { type Ctx, check, empty, view, type WTensor } from './context.js';
import { collapse } from './elementwise.js';

/** NumPy broadcasting of x to `shape`, written run by run. */
export function broadcastTo(ctx: Ctx, x: WTensor, shape: Shape): WTensor {
  checkBroadcastsTo(x.shape, shape, 'broadcastTo', check);
  const walk = collapse([x.shape], shape);
  if (walk === null) return ctx.js.broadcastTo(x, shape); // rank > 6 after collapsing
  const y = empty(ctx, shape, x.dtype);
  const out = view(ctx, y, 'broadcastTo');
  if (out.length > 0) {
    const dims = walk.shape;
    const strides = walk.strides[0]!;
    const rank = dims.length;
    const run = dims[rank - 1]!;
    const repeat = strides[rank - 1] === 0;
    const src = view(ctx, x, 'broadcastTo');
    // An odometer over the outer dims; `off` is the source offset of the current run.
    const idx = new Array<number>(rank - 1).fill(0);
    let off = 0;
    for (let o = 0; o < out.length; o += run) {
      if (repeat) out.fill(src[off]!, o, o + run);
      else out.set(src.subarray(off, off + run), o);
      for (let a = rank - 2; a >= 0; a--) {
        off += strides[a]!;
        if (++idx[a]! < dims[a]!) break;
        off -= strides[a]! * dims[a]!;
        idx[a] = 0;
      }
    }
  }
  return y;
}

/** int32 indices `[...S]` → `[...S, depth]`: 1 at the index, 0 elsewhere (the labels of a loss, every step). */
export function oneHot(ctx: Ctx, indices: WTensor, depth: number, dtype: FloatDType): WTensor {
  checkIndex(indices, 'indices', 'oneHot', check);
  const y = empty(ctx, [...indices.shape, depth], dtype);
  const out = view(ctx, y, 'oneHot');
  out.fill(0);
  const idx = view(ctx, indices, 'oneHot');
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    if (j >= 0 && j < depth) out[i * depth + j] = 1;
  }
  return y;
}

/** `y[o, i, r] = x[o, idx[o, i, r], r]` (NumPy take_along_axis); throws on an index outside the axis. */
export function takeAlongAxis(ctx: Ctx, x: WTensor, idx: WTensor, axis: number): WTensor {
  if (x.dtype !== 'float32' || idx.dtype !== 'int32') return ctx.js.takeAlongAxis(x, idx, axis);
  const k = 'takeAlongAxis';
  const [outer, inner] = alongAxisSizes(x.shape, idx, axis, k, check);
  const y = empty(ctx, idx.shape);
  const out = view(ctx, y, k) as Float32Array; // takeRows writes every element
  const xd = view(ctx, x, k) as Float32Array;
  const id = view(ctx, idx, k) as Int32Array;
  const len = x.shape[axis]!;
  const m = idx.shape[axis]!;
  const bad = takeRows(out, xd, id, outer, len, m, inner);
  if (bad >= 0) throw new Error(`wasm.takeAlongAxis: index ${id[bad]} outside [0, ${len})`);
  return y;
}

/**
 * Transpose of takeAlongAxis: zeros with `size` along axis, then `y[o, idx[o, i, r], r] += updates[o, i, r]`.
 * Sums run in float32 (they only arise where indices repeat, e.g. overlapping pooling windows).
 */
export function scatterAddAlongAxis(ctx: Ctx, updates: WTensor, idx: WTensor, axis: number, size: number): WTensor {
  if (updates.dtype !== 'float32' || idx.dtype !== 'int32') {
    return ctx.js.scatterAddAlongAxis(updates, idx, axis, size);
  }
  const k = 'scatterAddAlongAxis';
  const shape = updates.shape.map((d, a) => (a === axis ? size : d));
  const [outer, inner] = alongAxisSizes(shape, idx, axis, k, check);
  checkScatterUpdates(idx.shape, updates.shape, check);
  const y = empty(ctx, shape);
  const out = view(ctx, y, k) as Float32Array;
  out.fill(0);
  const ud = view(ctx, updates, k) as Float32Array;
  const id = view(ctx, idx, k) as Int32Array;
  const m = idx.shape[axis]!;
  const bad = scatterRows(out, ud, id, outer, size, m, inner);
  if (bad >= 0) throw new Error(`wasm.scatterAddAlongAxis: index ${id[bad]} outside [0, ${size})`);
  return y;
}

/**
 * The gather loop: `out[o, i, r] = x[o, idx[o, i, r], r]`; returns -1, or the position of the first index
 * outside `[0, len)`.
 * Kept apart from the kernel so that V8 optimises one small loop with fixed argument types; the
 * bounds test is one unsigned compare.
 */
function takeRows(
  out: Float32Array,
  x: Float32Array,
  idx: Int32Array,
  outer: number,
  len: number,
  m: number,
  inner: number,
): number {
  for (let o = 0, k = 0; o < outer; o++) {
    const xo = o * len * inner;
    const end = k + m * inner;
    if (inner === 1) {
      for (; k < end; k++) {
        const j = idx[k]!;
        if (j >>> 0 >= len) return k;
        out[k] = x[xo + j]!;
      }
      continue;
    }
    for (let i = 0; i < m; i++) {
      for (let r = 0; r < inner; r++, k++) {
        const j = idx[k]!;
        if (j >>> 0 >= len) return k;
        out[k] = x[xo + j * inner + r]!;
      }
    }
  }
  return -1;
}

/** The scatter loop: `out[o, idx[o, i, r], r] += u[o, i, r]`; -1, or the position of the first bad index. */
function scatterRows(
  out: Float32Array,
  u: Float32Array,
  idx: Int32Array,
  outer: number,
  size: number,
  m: number,
  inner: number,
): number {
  for (let o = 0, k = 0; o < outer; o++) {
    const yo = o * size * inner;
    const end = k + m * inner;
    if (inner === 1) {
      for (; k < end; k++) {
        const j = idx[k]!;
        if (j >>> 0 >= size) return k;
        out[yo + j]! += u[k]!;
      }
      continue;
    }
    for (let i = 0; i < m; i++) {
      for (let r = 0; r < inner; r++, k++) {
        const j = idx[k]!;
        if (j >>> 0 >= size) return k;
        out[yo + j * inner + r]! += u[k]!;
      }
    }
  }
  return -1;
}
