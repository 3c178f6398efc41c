/**
 * @file What every wasm kernel wrapper shares: the runtime, the blocking parameters, tensor helpers and
 * error messages naming the kernel.
 */
import type { DType, Kernels, KTensor, Shape, TypedArray } from '../backend.js';
import type { RTensor } from '../reference/tensor.js';
import { sizeOf } from '../shape.js';
import type { Runtime, WasmBuffer } from './runtime.js';

/** A wasm-backend tensor: its elements live in the backend's wasm memory. */
export type WTensor = KTensor<WasmBuffer>;

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
  /** Every kernel as the reference's JavaScript over wasm memory: for dtypes and shapes wasm does not run. */
  readonly js: Kernels<WasmBuffer>;
}

/** Nanoseconds per flop of the GEMM engine on one thread (≈ 30 GFLOP/s), for thread-count decisions. */
export const NS_PER_FLOP = 1 / 30;

/** Throws `wasm.<kernel>: <what>` unless `cond` holds. */
export function check(cond: boolean, kernel: string, what: () => string): asserts cond {
  if (!cond) throw new Error(`wasm.${kernel}: ${what()}`);
}

/** Wraps a buffer as a tensor. */
export function tensor(data: WasmBuffer, shape: Shape, dtype: DType): WTensor {
  return { data, shape: [...shape], dtype };
}

/** A new tensor of `shape` whose elements the caller writes (all of them). */
export function empty(ctx: Pick<Ctx, 'rt'>, shape: Shape, dtype: DType = 'float32'): WTensor {
  return tensor(ctx.rt.output(sizeOf(shape) * BYTES[dtype]), shape, dtype);
}

/** A new tensor of `shape` with every element `value`. */
export function filled(ctx: Pick<Ctx, 'rt'>, shape: Shape, value: number, dtype: DType = 'float32'): WTensor {
  const t = empty(ctx, shape, dtype);
  view(ctx, t, 'filled').fill(value);
  return t;
}

/** Bytes per element. */
export const BYTES: { readonly [K in DType]: number } = { float32: 4, float64: 8, int32: 4 };

/**
 * A typed array over `x`'s elements in wasm memory (no copy). Valid until the memory next grows (the next
 * allocation), so take views after allocating a call's outputs.
 */
export function view(ctx: Pick<Ctx, 'rt'>, x: WTensor, kernel: string): TypedArray {
  const p = ctx.rt.addr(x.data, kernel);
  const n = sizeOf(x.shape);
  const buf = ctx.rt.buffer;
  switch (x.dtype) {
    case 'float32':
      return new Float32Array(buf, p, n);
    case 'float64':
      return new Float64Array(buf, p, n);
    case 'int32':
      return new Int32Array(buf, p, n);
  }
}

/** `x` as a reference-backend tensor over its wasm memory (no copy), for kernels that run in JavaScript. */
export const asReference = (ctx: Pick<Ctx, 'rt'>, x: WTensor, kernel: string): RTensor => ({
  data: view(ctx, x, kernel),
  shape: x.shape,
  dtype: x.dtype,
});

/**
 * A reference-backend tensor's elements moved into wasm memory: one copy (counted in the copy stats).
 * The array may be a view of wasm memory itself (a JavaScript kernel that returned its input): its
 * address is then taken before the allocation can grow the memory and detach the view.
 */
export function adopt(ctx: Pick<Ctx, 'rt'>, r: RTensor): WTensor {
  const { rt } = ctx;
  const src = r.data;
  if (src.buffer === rt.buffer) {
    const at = src.byteOffset;
    const b = rt.output(src.byteLength);
    rt.move(b.ptr, at, src.byteLength);
    return tensor(b, r.shape, r.dtype);
  }
  return tensor(rt.copyIn(src), r.shape, r.dtype);
}

/** Whether every tensor is float32 (the dtype the wasm kernels compute in). */
export function allF32(...xs: readonly WTensor[]): boolean {
  return xs.every((x) => x.dtype === 'float32');
}

/** `n` rounded up to a multiple of `m`. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}
