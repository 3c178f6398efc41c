/**
 * @file takeAlongAxis and scatterAddAlongAxis for float32 values and int32 indices (max pooling's forward
 * gather and backward scatter): plain JavaScript loops, written monomorphic (one typed-array type per
 * access site) so V8 compiles them to tight code. The reference versions serve every array type from one
 * loop and accumulate in a float64 scratch array, which costs several times more. Other dtypes go to the
 * reference loops.
 */
import { reference } from '../reference/index.js';
import { sizeOf } from '../shape.js';
import { check, fmt, tensor, type WTensor } from './context.js';

/** Checks idx against `shape` (all dims equal except along axis) and returns `[outer, inner]`. */
function alongAxis(shape: readonly number[], idx: WTensor, axis: number, kernel: string): [number, number] {
  check(idx.dtype === 'int32', kernel, () => `idx must be int32, got ${idx.dtype}`);
  const rank = shape.length;
  check(Number.isInteger(axis) && axis >= 0 && axis < rank, kernel, () => `axis ${axis} out of range for rank ${rank}`);
  const fits = idx.shape.length === rank && idx.shape.every((d, a) => a === axis || d === shape[a]);
  check(fits, kernel, () => `idx ${fmt(idx.shape)} does not fit ${fmt(shape)} along axis ${axis}`);
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis + 1))];
}

/** `y[o, i, r] = x[o, idx[o, i, r], r]` (NumPy take_along_axis); throws on an index outside the axis. */
export function takeAlongAxis(x: WTensor, idx: WTensor, axis: number): WTensor {
  if (x.dtype !== 'float32' || idx.dtype !== 'int32') return reference.kernels.takeAlongAxis(x, idx, axis);
  const [outer, inner] = alongAxis(x.shape, idx, axis, 'takeAlongAxis');
  const xd = x.data as Float32Array;
  const id = idx.data as Int32Array;
  const len = x.shape[axis]!;
  const m = idx.shape[axis]!;
  const out = new Float32Array(id.length);
  for (let o = 0; o < outer; o++) {
    const xo = o * len * inner;
    for (let i = 0, k = o * m * inner; i < m; i++) {
      for (let r = 0; r < inner; r++, k++) {
        const j = id[k]!;
        if (!(j >= 0 && j < len)) throw new Error(`wasm.takeAlongAxis: index ${j} outside [0, ${len})`);
        out[k] = xd[xo + j * inner + r]!;
      }
    }
  }
  return tensor(out, idx.shape, 'float32');
}

/**
 * Transpose of takeAlongAxis: zeros with `size` along axis, then `y[o, idx[o, i, r], r] += updates[o, i, r]`.
 * Sums run in float32 (they only arise where indices repeat, e.g. overlapping pooling windows).
 */
export function scatterAddAlongAxis(updates: WTensor, idx: WTensor, axis: number, size: number): WTensor {
  if (updates.dtype !== 'float32' || idx.dtype !== 'int32') {
    return reference.kernels.scatterAddAlongAxis(updates, idx, axis, size);
  }
  const shape = updates.shape.map((d, a) => (a === axis ? size : d));
  const [outer, inner] = alongAxis(shape, idx, axis, 'scatterAddAlongAxis');
  const same = idx.shape.every((d, a) => d === updates.shape[a]);
  check(same, 'scatterAddAlongAxis', () => `idx ${fmt(idx.shape)} and updates ${fmt(updates.shape)} differ`);
  const ud = updates.data as Float32Array;
  const id = idx.data as Int32Array;
  const m = idx.shape[axis]!;
  const out = new Float32Array(sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    const yo = o * size * inner;
    for (let i = 0, k = o * m * inner; i < m; i++) {
      for (let r = 0; r < inner; r++, k++) {
        const j = id[k]!;
        if (!(j >= 0 && j < size)) throw new Error(`wasm.scatterAddAlongAxis: index ${j} outside [0, ${size})`);
        out[yo + j * inner + r]! += ud[k]!;
      }
    }
  }
  return tensor(out, shape, 'float32');
}
