/**
 * @file The shape, dtype and attribute checks every backend runs at its kernels' entry points, written
 * once: each takes the backend's `check` (which prefixes `<backend>.<kernel>:`), so every backend refuses
 * the same inputs with the same words. Exported from the package for backends that live elsewhere.
 * conv2d's size checks (`conv2dSizes`, `checkConvBias`) live in shape.ts beside the size arithmetic.
 */
import type { DType, Pool2dAttrs, Shape } from './backend.js';
import { broadcastShapes, type Conv2dSizes, type KernelCheck, pool2dOutShape, sizeOf } from './shape.js';

/** Anything with a dtype (a tensor of any backend). */
interface Typed {
  readonly dtype: DType;
}

/** Anything with a shape and a dtype (a tensor of any backend). */
interface ShapedTyped extends Typed {
  readonly shape: Shape;
}

/** Shape text for error messages, e.g. `[2,3]`. */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `a` and `b` have the same dtype. */
export function checkSameDtype(a: Typed, b: Typed, kernel: string, check: KernelCheck): void {
  check(a.dtype === b.dtype, kernel, () => `dtype mismatch: ${a.dtype} vs ${b.dtype}`);
}

/** Throws unless `x` is float32 or float64. */
export function checkFloat(x: Typed, kernel: string, check: KernelCheck): void {
  check(x.dtype !== 'int32', kernel, () => 'needs a float dtype, got int32');
}

/** Throws unless `x` is an int32 index tensor (`name` names it in the message). */
export function checkIndex(x: Typed, name: string, kernel: string, check: KernelCheck): void {
  check(x.dtype === 'int32', kernel, () => `${name} must be int32, got ${x.dtype}`);
}

/** Throws unless `axis` is an axis of a rank-`rank` tensor. */
export function checkAxis(axis: number, rank: number, kernel: string, check: KernelCheck): void {
  check(Number.isInteger(axis) && axis >= 0 && axis < rank, kernel, () => `axis ${axis} out of range for rank ${rank}`);
}

/** Throws unless `axes` are axes of a rank-`rank` tensor, distinct and sorted (a reduction's axes). */
export function checkAxes(axes: readonly number[], rank: number, kernel: string, check: KernelCheck): void {
  for (let i = 0; i < axes.length; i++) {
    checkAxis(axes[i]!, rank, kernel, check);
    check(i === 0 || axes[i]! > axes[i - 1]!, kernel, () => `axes must be distinct and sorted, got [${axes}]`);
  }
}

/** Throws unless `got` equals `want` (`name` names the tensor: `dy [..], expected [..]`). */
export function checkShape(name: string, got: Shape, want: Shape, kernel: string, check: KernelCheck): void {
  const same = got.length === want.length && want.every((d, i) => d === got[i]);
  check(same, kernel, () => `${name} ${fmtShape(got)}, expected ${fmtShape(want)}`);
}

/** Throws unless dy has conv2d's output shape `[N, O, Ho, Wo]` for these sizes. */
export function checkConvDy(dy: Shape, z: Conv2dSizes, kernel: string, check: KernelCheck): void {
  checkShape('dy', dy, [z.n, z.o, z.ho, z.wo], kernel, check);
}

/** The broadcast shape of `shapes` (NumPy rules), or a thrown error. */
export function broadcastAll(shapes: readonly Shape[], kernel: string, check: KernelCheck): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const next = broadcastShapes(out, s);
    check(next !== null, kernel, () => `shapes ${shapes.map(fmtShape).join(', ')} do not broadcast`);
    out = next;
  }
  return out;
}

/** Throws unless `from` broadcasts to exactly `to` (missing leading axes and size-1 axes repeat). */
export function checkBroadcastsTo(from: Shape, to: Shape, kernel: string, check: KernelCheck): void {
  const lead = to.length - from.length;
  const fits = lead >= 0 && from.every((d, a) => d === 1 || d === to[a + lead]);
  check(fits, kernel, () => `cannot broadcast ${fmtShape(from)} to ${fmtShape(to)}`);
}

/** The sizes of one (batched) matmul: `[...batch, m, k] · [...batch, k, n]` after the transposes. */
export interface MatmulSizes {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Batch dims of a and of b, and their broadcast (the output's leading dims). */
  readonly batchA: readonly number[];
  readonly batchB: readonly number[];
  readonly batch: readonly number[];
}

/** Validates matmul's shapes (rank ≥ 2, inner dims equal, batch dims broadcast) and returns the sizes. */
export function matmulSizes(
  aShape: Shape,
  bShape: Shape,
  transposeA: boolean,
  transposeB: boolean,
  check: KernelCheck,
): MatmulSizes {
  const ra = aShape.length;
  const rb = bShape.length;
  const shapes = () => `${fmtShape(aShape)} x ${fmtShape(bShape)}`;
  check(ra >= 2 && rb >= 2, 'matmul', () => `needs rank ≥ 2, got ${fmtShape(aShape)} and ${fmtShape(bShape)}`);
  const [a0, a1] = [aShape[ra - 2]!, aShape[ra - 1]!];
  const [b0, b1] = [bShape[rb - 2]!, bShape[rb - 1]!];
  const [m, k] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  check(k === kb, 'matmul', () => `inner dims differ: ${shapes()}`);
  const batchA = aShape.slice(0, ra - 2);
  const batchB = bShape.slice(0, rb - 2);
  const batch = broadcastShapes(batchA, batchB);
  check(batch !== null, 'matmul', () => `batch dims do not broadcast: ${shapes()}`);
  return { m, k, n, batchA, batchB, batch };
}

/** Validates a pooling input (rank 4, the window fits the padded image) and returns `[N, C, Ho, Wo]`. */
export function pool2dSizes(
  xShape: Shape,
  a: Pool2dAttrs,
  kernel: string,
  check: KernelCheck,
): [number, number, number, number] {
  check(xShape.length === 4, kernel, () => `x ${fmtShape(xShape)} needs rank 4`);
  const out = pool2dOutShape(xShape, a);
  check(out[2] > 0 && out[3] > 0, kernel, () => {
    return `window ${fmtShape(a.kernel)} does not fit padded input ${fmtShape(xShape)}`;
  });
  return out;
}

/**
 * Validates batch norm's x (float, rank ≥ 2, values in every channel) and its per-channel tensors
 * (`[C]`, x's dtype); returns `[N, C, L]` with L the size of the dims after C.
 */
export function batchNormSizes(
  x: ShapedTyped,
  perChannel: Readonly<Record<string, ShapedTyped>>,
  kernel: string,
  check: KernelCheck,
): [number, number, number] {
  checkFloat(x, kernel, check);
  check(x.shape.length >= 2, kernel, () => `x ${fmtShape(x.shape)} needs rank ≥ 2 ([N, C, ...])`);
  const [n, c] = x.shape as [number, number];
  const l = sizeOf(x.shape.slice(2));
  check(n * l > 0, kernel, () => `x ${fmtShape(x.shape)} has no values per channel`);
  for (const [name, t] of Object.entries(perChannel)) {
    check(t.shape.length === 1 && t.shape[0] === c, kernel, () => `${name} ${fmtShape(t.shape)} must be [${c}]`);
    check(t.dtype === x.dtype, kernel, () => `${name} has dtype ${t.dtype} but x has ${x.dtype}`);
  }
  return [n, c, l];
}

/** Throws unless batchNormBackward's dy has x's shape and dtype. */
export function checkBatchNormDy(dy: ShapedTyped, x: ShapedTyped, check: KernelCheck): void {
  const same = dy.dtype === x.dtype && dy.shape.length === x.shape.length && dy.shape.every((d, i) => d === x.shape[i]);
  check(same, 'batchNormBackward', () => {
    return `dy ${dy.dtype} ${fmtShape(dy.shape)} must match x ${x.dtype} ${fmtShape(x.shape)}`;
  });
}

/**
 * Validates takeAlongAxis / scatterAddAlongAxis indices against `shape` (int32, same rank, every dim but
 * `axis` equal) and returns `[outer, inner]`: the sizes before and after `axis`.
 */
export function alongAxisSizes(
  shape: Shape,
  idx: ShapedTyped,
  axis: number,
  kernel: string,
  check: KernelCheck,
): [number, number] {
  checkIndex(idx, 'idx', kernel, check);
  const rank = shape.length;
  checkAxis(axis, rank, kernel, check);
  const fits = idx.shape.length === rank && idx.shape.every((d, a) => a === axis || d === shape[a]);
  check(fits, kernel, () => `idx ${fmtShape(idx.shape)} does not fit ${fmtShape(shape)} along axis ${axis}`);
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis + 1))];
}

/** Throws unless scatterAddAlongAxis's idx and updates have the same shape. */
export function checkScatterUpdates(idx: Shape, updates: Shape, check: KernelCheck): void {
  const same = idx.length === updates.length && idx.every((d, a) => d === updates[a]);
  check(same, 'scatterAddAlongAxis', () => `idx ${fmtShape(idx)} and updates ${fmtShape(updates)} differ`);
}
