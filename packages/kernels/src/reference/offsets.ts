/**
 * @file The one index walker of the reference backend.
 *
 * Every movement of data (broadcasting, reduction bookkeeping, transpose, slice, pad) is described by one
 * table per output axis: `tables[a][i]` is the contribution of output coordinate `i` on axis `a` to the
 * source's flat offset, or `-1` when that coordinate reads nothing (padding). `gatherOffsets` turns the
 * tables into one source offset per output element, walking the output in row-major order.
 */
import type { Shape } from '../backend.js';
import { sizeOf, stridesOf } from '../shape.js';
import { check, fmt } from './tensor.js';

/**
 * For each output element (row-major over `outShape`), `Σ_a tables[a][i_a]`, or `-1` when any term is `-1`.
 * `tables[a]` must have length `outShape[a]`.
 */
export function gatherOffsets(outShape: Shape, tables: readonly Int32Array[]): Int32Array {
  const n = sizeOf(outShape);
  const out = new Int32Array(n);
  const rank = outShape.length;
  if (n === 0 || rank === 0) return out;
  const last = rank - 1;
  const lastTable = tables[last]!;
  const inner = outShape[last]!;
  const idx = new Int32Array(rank);
  let p = 0;
  for (;;) {
    let base = 0;
    for (let a = 0; a < last; a++) {
      const t = tables[a]![idx[a]!]!;
      if (t < 0 || base < 0) base = -1;
      else base += t;
    }
    for (let j = 0; j < inner; j++) {
      const t = lastTable[j]!;
      out[p++] = base < 0 || t < 0 ? -1 : base + t;
    }
    let a = last - 1;
    while (a >= 0) {
      idx[a]!++;
      if (idx[a]! < outShape[a]!) break;
      idx[a] = 0;
      a--;
    }
    if (a < 0) return out;
  }
}

/** The table `i ↦ i*stride` of length `n`. */
export function strideTable(n: number, stride: number): Int32Array {
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) t[i] = i * stride;
  return t;
}

/**
 * Per-axis tables reading a tensor of `inShape` broadcast (NumPy rules) to `outShape`: missing leading
 * axes and size-1 axes contribute 0. Throws when `inShape` does not broadcast to `outShape`.
 */
export function broadcastTables(inShape: Shape, outShape: Shape, kernel: string): Int32Array[] {
  const rank = outShape.length;
  const lead = rank - inShape.length;
  check(lead >= 0, kernel, () => `cannot broadcast ${fmt(inShape)} to ${fmt(outShape)}`);
  const strides = stridesOf(inShape);
  const tables: Int32Array[] = [];
  for (let a = 0; a < rank; a++) {
    const outDim = outShape[a]!;
    const inDim = a < lead ? 1 : inShape[a - lead]!;
    check(inDim === outDim || inDim === 1, kernel, () => `cannot broadcast ${fmt(inShape)} to ${fmt(outShape)}`);
    tables.push(inDim === 1 ? new Int32Array(outDim) : strideTable(outDim, strides[a - lead]!));
  }
  return tables;
}

/** The flat offset into a tensor of `inShape` read by each element of its broadcast to `outShape`. */
export function broadcastOffsets(inShape: Shape, outShape: Shape, kernel: string): Int32Array {
  return gatherOffsets(outShape, broadcastTables(inShape, outShape, kernel));
}

/** True when two shapes are identical (no broadcasting needed). */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
