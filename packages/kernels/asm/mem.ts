/**
 * @file Addressing and small SIMD helpers shared by every kernel module: reading a descriptor slot,
 * the address of a float element, a bounds test, a 4x4 transpose and a masked run of four pixels.
 * This module imports nothing, so the GEMM driver and the packers it calls never import each other.
 *
 * Why these are plain functions and the kernels still repeat some code: AssemblyScript's `@inline`
 * decorator is not TypeScript, so biome cannot parse a file that uses it (the lint fails), and
 * Binaryen's -O3 inlines only small helpers on its own. These helpers are small enough to be inlined
 * (checked in the text format, `node scripts/build-wasm.mjs --wat`); bigger per-lane helpers are not, and
 * are written out in place where they run in an inner loop (see pack-colt.ts).
 */

/** Slot `slot` (an i32) of the descriptor or geometry block at `d`. */
export function ld(d: usize, slot: i32): i32 {
  return load<i32>(d + ((<usize>slot) << 2));
}

/** Byte address of float element `e` of the array at `base`. */
export function at(base: usize, e: i32): usize {
  return base + ((<usize>e) << 2);
}

/** True when `v` is in `[0, n)`. */
export function inside(v: i32, n: i32): bool {
  return <u32>v < <u32>n;
}

/** 4x4 transpose of rows r0..r3, stored as four consecutive vectors at `dst`, `step` bytes apart. */
export function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Lanes `lb..lb+3` of a tap row: x columns `col..col+3` of `row` (col may be up to 8 outside the row),
 * kept where the lane is in `[l0, l1)` and the column in `[0, w)`, else 0.
 */
export function maskedRun(row: usize, col: i32, lb: i32, l0: i32, l1: i32, w: i32): v128 {
  const v = v128.load(row + <usize>(col << 2));
  const lanes = i32x4.add(i32x4.splat(lb), i32x4(0, 1, 2, 3));
  const cols = i32x4.add(i32x4.splat(col), i32x4(0, 1, 2, 3));
  const inLanes = v128.and(i32x4.ge_s(lanes, i32x4.splat(l0)), i32x4.lt_s(lanes, i32x4.splat(l1)));
  const inRow = v128.and(i32x4.ge_s(cols, i32x4.splat(0)), i32x4.lt_s(cols, i32x4.splat(w)));
  return v128.and(v, v128.and(inLanes, inRow));
}
