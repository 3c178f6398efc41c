/**
 * @file The `wasm` backend: the fast CPU path. Kernels are AssemblyScript compiled to WebAssembly with
 * SIMD (see `asm/`), run on a pool of worker threads that share one WebAssembly.Memory.
 *
 * Storage is a `WasmBuffer`: a block of that memory. Kernels read their inputs where they are and write
 * their outputs into new blocks, so nothing is copied between ops; `upload` copies in and `read` copies
 * out. A block returns to the heap when its tensor is released (`dispose`, or an autodiff scope ending)
 * or, without either, when the garbage collector finds the buffer unreachable.
 *
 * dtypes: every float32 kernel runs in wasm except the data-movement ones and argReduce (`JS_KERNELS`),
 * which are JavaScript loops over views of wasm memory: takeAlongAxis, scatterAddAlongAxis, oneHot and
 * broadcastTo have their own loops here, writing into the output's block; the others are the reference
 * backend's loops, whose result is then copied in (one copy, counted in `stats()`). float64 and int32
 * inputs run the reference's loops for every kernel the same way: correct and exactly the reference's
 * results, not fast. This is by design, not a silent fallback; `stats().jobs` counts the calls that ran in
 * wasm.
 */
import type { Backend, Kernels, KernelName, Shape, TypedArray } from '../backend.js';
import { dtypeOf, sizeOf } from '../shape.js';
import type { BackendOptions } from '../select.js';
import { adopt, BYTES, type Ctx, DEFAULT_TUNING, filled, type Tuning, type WTensor } from './context.js';
import type { HeapUsage } from './heap.js';
import { javascriptKernels } from './javascript.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { binary, compare, unary, where } from './elementwise.js';
import { MAX_THREADS } from './layout.js';
import { matmul } from './matmul.js';
import { batchNorm, batchNormBackward } from './norm.js';
import { broadcastTo, oneHot, scatterAddAlongAxis, takeAlongAxis } from './movement.js';
import { avgPool2d, avgPool2dBackward, maxPool2d } from './pooling.js';
import { logSoftmax, reduce, softmax } from './reduce.js';
import { type CopyCounts, Runtime, type WasmBuffer } from './runtime.js';

export { relaxedSimdAvailable as wasmRelaxedSimdAvailable } from './runtime.js';
import { availableCores } from './threads.js';

export { DEFAULT_TUNING, TINY_TUNING, type Tuning } from './context.js';
export type { HeapUsage } from './heap.js';
export { type CopyCounts, WasmBuffer } from './runtime.js';

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions extends BackendOptions {
  /** Threads including the calling one (default: available cores, at most 32). */
  readonly threads?: number;
  /** Blocking parameters (default `DEFAULT_TUNING`; `TINY_TUNING` makes small shapes exercise every tile path). */
  readonly tuning?: Tuning;
  /**
   * Estimated nanoseconds of work below which a job stays on the calling thread (default 50 µs; 0 makes
   * every job with more than one tile use every thread, for tests).
   */
  readonly minParallelNs?: number;
  /**
   * Polls of its job slot a worker makes before sleeping (default 50 000, about 0.1-0.3 ms): jobs that
   * follow each other closely find the workers awake (waking one costs tens of microseconds), while an
   * idle backend's workers soon stop using CPU, which matters on machines shared with other processes.
   */
  readonly spin?: number;
  /**
   * 'single' runs the module built for an ordinary (non-shared) memory, which is what pages without
   * SharedArrayBuffer get; it allows one thread only. Default: 'shared' where SharedArrayBuffer works.
   */
  readonly memory?: 'shared' | 'single';
  /**
   * Run the build compiled with relaxed SIMD, whose GEMM micro-kernel (matmul and every conv pass) uses
   * fused multiply-add (`f32x4.relaxed_madd`). Default: wherever the engine supports relaxed SIMD
   * (current browsers, Node ≥ 22; Node 20 with `--experimental-wasm-relaxed-simd`). `true` where it is
   * unsupported throws. Results differ from the plain build in the last bits (one rounding per
   * multiply-add instead of two).
   */
  readonly fma?: boolean;
  /**
   * Bytes of wasm memory the heap may use (default: all 4 GiB a wasm32 memory addresses). Lower it to
   * bound memory, or in tests of running out.
   */
  readonly maxBytes?: number;
}

/** Counters of a wasm backend, for tests and benchmarks. */
export interface WasmStats extends CopyCounts, HeapUsage {
  /** Jobs run in wasm, and how many of them used more than one thread. */
  readonly jobs: number;
  readonly parallelJobs: number;
  /** Tiles run by worker threads rather than the calling thread. */
  readonly helperTiles: number;
  /** Bytes of wasm memory (grows with the high-water mark, never shrinks). */
  readonly memoryBytes: number;
  /** Workers started and listening. */
  readonly readyWorkers: number;
}

/** The wasm backend: a Backend over blocks of wasm memory plus thread control. */
export interface WasmBackend extends Backend<WasmBuffer> {
  readonly name: 'wasm';
  readonly threads: number;
  stats(): WasmStats;
  /** Stops the worker threads; the backend cannot be used afterwards. */
  destroy(): void;
}

/**
 * Kernels that never enter wasm, for any dtype (data movement and argReduce).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export const JS_KERNELS: readonly KernelName[] = [
  'argReduce',
  'takeAlongAxis',
  'scatterAddAlongAxis',
  'pad',
  'slice',
  'concat',
  'transpose',
  'broadcastTo',
  'oneHot',
  'cast',
];

function kernelsFor(ctx: Ctx): Kernels<WasmBuffer> {
  const { js } = ctx;
  return {
    unary: (op, x) => unary(ctx, op, x),
    binary: (op, a, b) => binary(ctx, op, a, b),
    compare: (op, a, b) => compare(ctx, op, a, b),
    where: (c, a, b) => where(ctx, c, a, b),
    reduce: (op, x, axes) => reduce(ctx, op, x, axes),
    argReduce: js.argReduce,
    matmul: (a, b, ta, tb) => matmul(ctx, a, b, ta, tb),
    conv2d: (x, w, attrs, bias) => conv2d(ctx, x, w, attrs, bias),
    conv2dBackpropInput: (dy, w, xShape, attrs) => conv2dBackpropInput(ctx, dy, w, xShape, attrs),
    conv2dBackpropFilter: (x, dy, wShape, attrs) => conv2dBackpropFilter(ctx, x, dy, wShape, attrs),
    maxPool2d: (x, attrs) => maxPool2d(ctx, x, attrs),
    avgPool2d: (x, attrs) => avgPool2d(ctx, x, attrs),
    avgPool2dBackward: (dy, xShape, attrs) => avgPool2dBackward(ctx, dy, xShape, attrs),
    batchNorm: (x, w, b, eps) => batchNorm(ctx, x, w, b, eps),
    batchNormBackward: (dy, x, w, m, v, eps) => batchNormBackward(ctx, dy, x, w, m, v, eps),
    takeAlongAxis: (x, idx, axis) => takeAlongAxis(ctx, x, idx, axis),
    scatterAddAlongAxis: (u, idx, axis, size) => scatterAddAlongAxis(ctx, u, idx, axis, size),
    pad: js.pad,
    slice: js.slice,
    concat: js.concat,
    transpose: js.transpose,
    broadcastTo: (x, shape) => broadcastTo(ctx, x, shape),
    oneHot: (indices, depth, dtype) => oneHot(ctx, indices, depth, dtype),
    softmax: (x, axis) => softmax(ctx, x, axis),
    logSoftmax: (x, axis) => logSoftmax(ctx, x, axis),
    cast: js.cast,
  };
}

/**
 * Creates a wasm backend (synchronously: the module is compiled with `new WebAssembly.Module`). With more
 * than one thread it starts `threads - 1` workers, which need SharedArrayBuffer (always in Node; in
 * browsers only on cross-origin-isolated pages).
 *
 * @example
 * const wasm = createWasmBackend({ threads: 2 });
 * const y = wasm.kernels.matmul(wasm.upload(a, [64, 32]), wasm.upload(b, [32, 16]), false, false);
 * wasm.destroy();
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const threads = options.threads ?? Math.min(availableCores(), MAX_THREADS);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new Error(`createWasmBackend: threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  }
  const rt = new Runtime({
    threads,
    minParallelNs: options.minParallelNs ?? 50_000,
    spin: options.spin ?? 50_000,
    ...(options.memory === undefined ? {} : { shared: options.memory === 'shared' }),
    ...(options.fma === undefined ? {} : { fma: options.fma }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  const ctx: Ctx = { rt, tune: options.tuning ?? DEFAULT_TUNING, js: javascriptKernels({ rt }) };
  const upload = (values: TypedArray, shape: Shape): WTensor => {
    if (values.length !== sizeOf(shape)) {
      throw new Error(`wasm.upload: ${values.length} values for shape [${shape.join(',')}]`);
    }
    return adopt(ctx, { data: values, shape, dtype: dtypeOf(values) });
  };
  const read = (x: WTensor): TypedArray => {
    const bytes = sizeOf(x.shape) * BYTES[x.dtype];
    const out = rt.copyOut(rt.addr(x.data, 'read'), bytes);
    return x.dtype === 'float32'
      ? new Float32Array(out)
      : x.dtype === 'int32'
        ? new Int32Array(out)
        : new Float64Array(out);
  };
  return {
    name: 'wasm',
    mode: `simd${rt.fma ? '-fma' : ''}-${threads}-thread${threads === 1 ? '' : 's'}`,
    threads,
    upload,
    fill: (shape, value, dtype) => filled(ctx, shape, value, dtype),
    read,
    dispose: (x) => rt.release(x.data),
    kernels: kernelsFor(ctx),
    stats: () => ({
      ...rt.stats,
      ...rt.copies,
      ...rt.usage(),
      helperTiles: rt.helperTiles,
      memoryBytes: rt.memoryBytes,
      readyWorkers: rt.readyWorkers(),
    }),
    destroy: () => rt.destroy(),
  };
}
