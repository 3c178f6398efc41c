/**
 * @file The `wasm` backend: the fast CPU path. Kernels are AssemblyScript compiled to WebAssembly with
 * SIMD (see `asm/`), run on a pool of worker threads that share one WebAssembly.Memory.
 *
 * Storage is a plain typed array (as in `reference`), so tensors are garbage-collected like any JS value
 * and never leak; each kernel call copies its inputs into a reusable arena in wasm memory.
 *
 * dtypes: every float32 kernel runs in wasm except the data-movement ones and argReduce (`JS_KERNELS`),
 * which are JavaScript loops over the typed arrays: the reference backend's own, except takeAlongAxis and
 * scatterAddAlongAxis, which have faster float32 loops here (max pooling's gradient), and broadcastTo,
 * which copies whole runs here (batch norm's and bias gradients use it). float64 and int32
 * inputs run the reference's JavaScript loops for every kernel: correct and exactly the reference's
 * results, not fast. This is by design, not a silent fallback; `stats().jobs` counts the calls that ran in
 * wasm.
 */
import type { Backend, Kernels, KernelName, Shape, TypedArray } from '../backend.js';
import { reference } from '../reference/index.js';
import { dtypeOf, sizeOf } from '../shape.js';
import type { BackendOptions } from '../select.js';
import { type Ctx, DEFAULT_TUNING, type Tuning } from './context.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { binary, compare, unary, where } from './elementwise.js';
import { MAX_THREADS } from './layout.js';
import { matmul } from './matmul.js';
import { batchNorm, batchNormBackward } from './norm.js';
import { broadcastTo, scatterAddAlongAxis, takeAlongAxis } from './movement.js';
import { avgPool2d, avgPool2dBackward, maxPool2d } from './pooling.js';
import { logSoftmax, reduce, softmax } from './reduce.js';
import { copyOf, Runtime } from './runtime.js';

export { relaxedSimdAvailable as wasmRelaxedSimdAvailable } from './runtime.js';
import { availableCores } from './threads.js';

export { DEFAULT_TUNING, TINY_TUNING, type Tuning } from './context.js';

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
}

/** Counters of a wasm backend, for tests and benchmarks. */
export interface WasmStats {
  /** Jobs run in wasm, and how many of them used more than one thread. */
  readonly jobs: number;
  readonly parallelJobs: number;
  /** Tiles run by worker threads rather than the calling thread. */
  readonly helperTiles: number;
  /** Bytes of wasm memory (grows to the largest call so far, then stays). */
  readonly memoryBytes: number;
  /** Workers started and listening. */
  readonly readyWorkers: number;
}

/** The wasm backend: a Backend over typed arrays plus thread control. */
export interface WasmBackend extends Backend<TypedArray> {
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

function kernelsFor(ctx: Ctx): Kernels<TypedArray> {
  const js = reference.kernels;
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
    takeAlongAxis,
    scatterAddAlongAxis,
    pad: js.pad,
    slice: js.slice,
    concat: js.concat,
    transpose: js.transpose,
    broadcastTo,
    oneHot: js.oneHot,
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
  });
  const ctx: Ctx = { rt, tune: options.tuning ?? DEFAULT_TUNING };
  const upload = (values: TypedArray, shape: Shape) => {
    if (values.length !== sizeOf(shape)) {
      throw new Error(`wasm.upload: ${values.length} values for shape [${shape.join(',')}]`);
    }
    return { data: copyOf(values), shape: [...shape], dtype: dtypeOf(values) };
  };
  return {
    name: 'wasm',
    mode: `simd${rt.fma ? '-fma' : ''}-${threads}-thread${threads === 1 ? '' : 's'}`,
    threads,
    upload,
    read: (x) => copyOf(x.data),
    dispose: () => {},
    kernels: kernelsFor(ctx),
    stats: () => ({
      ...rt.stats,
      helperTiles: rt.helperTiles,
      memoryBytes: rt.memoryBytes,
      readyWorkers: rt.readyWorkers(),
    }),
    destroy: () => rt.destroy(),
  };
}
