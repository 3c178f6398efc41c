/**
 * @file What every wasm kernel wrapper shares: the runtime, the blocking parameters, tensor helpers and
 * error messages naming the kernel.
 */
import type { DType, KTensor, Shape, TypedArray } from '../backend.js';
import type { Runtime } from './runtime.js';

/** A wasm-backend tensor: storage is a plain typed array owned by JS (copied into wasm per call). */
export type WTensor = KTensor<TypedArray>;

/**
 * Blocking parameters. `kc`/`mc`: K slice and rows of A packed at once (L1/L2 blocking); `mt`/`nt`: the C
 * tile one thread computes; `chunk`: elements per tile of elementwise jobs, lines per tile of reductions.
 */
export interface Tuning {
  readonly kc: number;
  readonly mc: number;
  readonly mt: number;
  readonly nt: number;
  readonly chunk: number;
}

/**
 * Measured on Zen 3 (L1d 32 KiB, L2 512 KiB per core): B sliver 8 KiB, A block 64 KiB, B panel 256 KiB.
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export const DEFAULT_TUNING: Tuning = { kc: 256, mc: 64, mt: 256, nt: 256, chunk: 16384 };

/**
 * Tiny blocks: small test shapes then span many tiles, K slices and threads (edge paths everywhere).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export const TINY_TUNING: Tuning = { kc: 8, mc: 8, mt: 8, nt: 16, chunk: 8 };

export interface Ctx {
  readonly rt: Runtime;
  readonly tune: Tuning;
}

/** Nanoseconds per flop of the GEMM engine on one thread (≈ 30 GFLOP/s), for thread-count decisions. */
export const NS_PER_FLOP = 1 / 30;

/** Throws `wasm.<kernel>: <what>` unless `cond` holds. */
export function check(cond: boolean, kernel: string, what: () => string): asserts cond {
  if (!cond) throw new Error(`wasm.${kernel}: ${what()}`);
}

/** Wraps `data` (not copied) as a tensor. */
export function tensor(data: TypedArray, shape: Shape, dtype: DType): WTensor {
  return { data, shape: [...shape], dtype };
}

/** Whether every tensor is float32 (the dtype the wasm kernels compute in). */
export function allF32(...xs: readonly WTensor[]): boolean {
  return xs.every((x) => x.dtype === 'float32');
}

/** `n` rounded up to a multiple of `m`. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}
