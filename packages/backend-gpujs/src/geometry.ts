/**
 * @file Host-side index geometry for the strided kernels: every broadcast, transpose, slice and pad is a
 * walk over at most `MAX_RANK` output axes, each with one stride per operand. Axes are merged where every
 * operand is contiguous across them, so most tensors of any rank fit.
 */
import type { Shape } from '@tapenet/kernels';
import { stridesOf } from '@tapenet/kernels';

/** Output axes a strided kernel walks (its constants `d0..d5`). */
export const MAX_RANK = 6;

/** Output dims plus, per operand, the source stride of each output axis (0 where it broadcasts). */
export interface Walk {
  readonly dims: readonly number[];
  readonly strides: readonly (readonly number[])[];
}

/** Strides reading `inShape` broadcast (NumPy rules) to `outShape`: 0 on new and size-1 axes. */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const lead = outShape.length - inShape.length;
  const s = stridesOf(inShape);
  return outShape.map((_, a) => (a < lead || inShape[a - lead] === 1 ? 0 : s[a - lead]!));
}

/**
 * Drops size-1 axes, merges neighbours `a, a+1` where every operand has `stride[a] = stride[a+1]·dims[a+1]`,
 * and pads to `MAX_RANK` with leading size-1 axes. Throws (naming `kernel`) when more axes remain.
 */
export function coalesce(walk: Walk, kernel: string): Walk {
  const dims: number[] = [];
  const strides: number[][] = walk.strides.map(() => []);
  for (let a = 0; a < walk.dims.length; a++) {
    const d = walk.dims[a]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    const merge = last >= 0 && walk.strides.every((s, k) => strides[k]![last] === s[a]! * d);
    if (merge) {
      dims[last] = dims[last]! * d;
      walk.strides.forEach((s, k) => {
        strides[k]![last] = s[a]!;
      });
    } else {
      dims.push(d);
      walk.strides.forEach((s, k) => {
        strides[k]!.push(s[a]!);
      });
    }
  }
  if (dims.length > MAX_RANK) {
    throw new Error(`gpujs.${kernel}: needs ${dims.length} independent axes; this backend walks at most ${MAX_RANK}`);
  }
  const pad = MAX_RANK - dims.length;
  return {
    dims: [...new Array<number>(pad).fill(1), ...dims],
    strides: strides.map((s) => [...new Array<number>(pad).fill(0), ...s]),
  };
}

/** `{ [prefix + i]: values[i] }` for i < MAX_RANK: one kernel constant per axis. */
export function perAxis(prefix: string, values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < MAX_RANK; i++) out[`${prefix}${i}`] = values[i] ?? 0;
  return out;
}

/** `[outer, len, inner]` around `axis`: element `(o, j, i)` sits at `(o·len + j)·inner + i`. */
export function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a]!;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  return [outer, shape[axis]!, inner];
}
