/**
 * @file Data movement: pad, slice, concat, transpose, broadcastTo, takeAlongAxis, scatterAddAlongAxis,
 * oneHot. Values are copied exactly (no rounding) except where scatterAdd sums them in doubles.
 */
import type { FloatDType, Pair, PadMode, Shape } from '../backend.js';
import { allocate, sizeOf, stridesOf } from '../shape.js';
import { broadcastTables, gatherOffsets, strideTable } from './offsets.js';
import { alongAxisSizes, checkAxis, checkIndex, checkScatterUpdates } from '../validate.js';
import { aroundAxis, check, fmt, fromAccumulator, type RTensor, tensorOf } from './tensor.js';

/** `y[i] = x[offsets[i]]`, or `fill` where the offset is -1. */
function gather(x: RTensor, shape: Shape, offsets: Int32Array, fill = 0): RTensor {
  const out = allocate(x.dtype, offsets.length);
  const xd = x.data;
  for (let i = 0; i < offsets.length; i++) {
    const k = offsets[i]!;
    out[i] = k < 0 ? fill : xd[k]!;
  }
  return tensorOf(out, shape, x.dtype);
}

/**
 * Pads axis `a` with `pads[a][0]` elements before and `pads[a][1]` after: the constant `value` for
 * 'constant', the nearest element of x for 'edge' (an empty axis has no edge and pads with `value`).
 */
export function pad(x: RTensor, pads: readonly Pair[], mode: PadMode, value: number): RTensor {
  const rank = x.shape.length;
  check(pads.length === rank, 'pad', () => `needs ${rank} [before, after] pairs, got ${pads.length}`);
  const strides = stridesOf(x.shape);
  const shape: number[] = [];
  const tables = x.shape.map((n, a) => {
    const [before, after] = pads[a]!;
    check(before >= 0 && after >= 0, 'pad', () => `pads must be non-negative, got [${before}, ${after}]`);
    const m = before + n + after;
    shape.push(m);
    const t = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      let src = i - before;
      if (mode === 'edge' && n > 0) src = Math.min(Math.max(src, 0), n - 1);
      t[i] = src >= 0 && src < n ? src * strides[a]! : -1;
    }
    return t;
  });
  return gather(x, shape, gatherOffsets(shape, tables), value);
}

/** The block `x[begin[a] : begin[a] + size[a]]` on every axis a. */
export function slice(x: RTensor, begin: readonly number[], size: readonly number[]): RTensor {
  const rank = x.shape.length;
  check(begin.length === rank && size.length === rank, 'slice', () => `begin/size need ${rank} entries`);
  const strides = stridesOf(x.shape);
  const tables = x.shape.map((n, a) => {
    const b = begin[a]!;
    const s = size[a]!;
    check(b >= 0 && s >= 0 && b + s <= n, 'slice', () => `block [${begin}]+[${size}] outside ${fmt(x.shape)}`);
    return strideTable(s, strides[a]!).map((off) => off + b * strides[a]!);
  });
  return gather(x, size, gatherOffsets(size, tables));
}

/** Joins same-dtype tensors along `axis`; every other dim must match. */
export function concat(xs: readonly RTensor[], axis: number): RTensor {
  const first = xs[0];
  check(first !== undefined, 'concat', () => 'needs at least one tensor');
  const rank = first.shape.length;
  checkAxis(axis, rank, 'concat', check);
  let total = 0;
  for (const x of xs) {
    const same = x.shape.length === rank && x.shape.every((d, a) => a === axis || d === first.shape[a]);
    check(
      same && x.dtype === first.dtype,
      'concat',
      () => `${fmt(x.shape)} ${x.dtype} does not match ${fmt(first.shape)} ${first.dtype}`,
    );
    total += x.shape[axis]!;
  }
  const shape = first.shape.map((d, a) => (a === axis ? total : d));
  const [outer, , inner] = aroundAxis(shape, axis);
  const out = allocate(first.dtype, sizeOf(shape));
  let start = 0; // offset of this input's block within an output row of `total * inner` elements
  for (const x of xs) {
    const chunk = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + start);
    start += chunk;
  }
  return tensorOf(out, shape, first.dtype);
}

/** Permutes axes: `y.shape[i] = x.shape[perm[i]]` and `y[..., j_i, ...] = x[..., j at axis perm[i], ...]`. */
export function transpose(x: RTensor, perm: readonly number[]): RTensor {
  const rank = x.shape.length;
  const isPerm = perm.length === rank && perm.every((p, i) => perm.indexOf(p) === i && p >= 0 && p < rank);
  check(isPerm, 'transpose', () => `[${perm}] is not a permutation of ${rank} axes`);
  const strides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]!);
  const tables = perm.map((p) => strideTable(x.shape[p]!, strides[p]!));
  return gather(x, shape, gatherOffsets(shape, tables));
}

/** NumPy broadcasting of x to `shape` (size-1 and missing leading axes repeat). */
export function broadcastTo(x: RTensor, shape: Shape): RTensor {
  return gather(x, shape, gatherOffsets(shape, broadcastTables(x.shape, shape, 'broadcastTo')));
}

/**
 * `y[o, i, r] = x[o, idx[o, i, r], r]` viewing axis as the middle one (NumPy `take_along_axis`); idx is
 * int32 with x's dims except along axis, y has idx's shape. Throws on an index outside `[0, x.shape[axis])`.
 */
export function takeAlongAxis(x: RTensor, idx: RTensor, axis: number): RTensor {
  const [outer, inner] = alongAxisSizes(x.shape, idx, axis, 'takeAlongAxis', check);
  const len = x.shape[axis]!;
  const m = idx.shape[axis]!;
  const out = allocate(x.dtype, idx.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      for (let r = 0; r < inner; r++) {
        const k = (o * m + i) * inner + r;
        const j = idx.data[k]!;
        if (!(j >= 0 && j < len)) throw new Error(`reference.takeAlongAxis: index ${j} outside [0, ${len})`);
        out[k] = x.data[(o * len + j) * inner + r]!;
      }
    }
  }
  return tensorOf(out, idx.shape, x.dtype);
}

/**
 * Transpose of takeAlongAxis: `y = 0` of updates' shape with `size` along axis, then
 * `y[o, idx[o, i, r], r] += updates[o, i, r]` (repeated indices add). Sums run in doubles.
 */
export function scatterAddAlongAxis(updates: RTensor, idx: RTensor, axis: number, size: number): RTensor {
  const shape = updates.shape.map((d, a) => (a === axis ? size : d));
  const [outer, inner] = alongAxisSizes(shape, idx, axis, 'scatterAddAlongAxis', check);
  checkScatterUpdates(idx.shape, updates.shape, check);
  const m = idx.shape[axis]!;
  const acc = new Float64Array(sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      for (let r = 0; r < inner; r++) {
        const k = (o * m + i) * inner + r;
        const j = idx.data[k]!;
        if (!(j >= 0 && j < size)) throw new Error(`reference.scatterAddAlongAxis: index ${j} outside [0, ${size})`);
        acc[(o * size + j) * inner + r]! += updates.data[k]!;
      }
    }
  }
  return fromAccumulator(acc, shape, updates.dtype);
}

/** int32 indices `[...S]` → `[...S, depth]` of `dtype`: 1 at `[..., idx]`, 0 elsewhere; rows with an index outside `[0, depth)` are all 0. */
export function oneHot(indices: RTensor, depth: number, dtype: FloatDType): RTensor {
  checkIndex(indices, 'indices', 'oneHot', check);
  const n = indices.data.length;
  const out = allocate(dtype, n * depth);
  for (let i = 0; i < n; i++) {
    const j = indices.data[i]!;
    if (j >= 0 && j < depth) out[i * depth + j] = 1;
  }
  return tensorOf(out, [...indices.shape, depth], dtype);
}
