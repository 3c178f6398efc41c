/**
 * @file The gpujs backend: every kernel of the Backend contract in float32 through gpu.js, in the mode
 * asked for ('gpu' = best available here, or one exact mode) and never silently in another one.
 *
 * Storage is float32 for every dtype: int32 tensors (indices, argmax results) hold integers exactly up to
 * ±2^24, and `upload` refuses larger ones; float64 is refused (the reference backend runs float64). In GL
 * modes tensors stay on the device as textures between kernels and come back only through `read`; call
 * `dispose` on tensors you are done with (or `destroy()` on the backend) to free their textures.
 */
import type { Backend, Kernels, Shape, TypedArray } from '@tapenet/kernels';
import { dtypeOf, sizeOf } from '@tapenet/kernels';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { binary, cast, compare, unary, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { type GpujsMode, type GpujsRunMode, resolveMode } from './modes.js';
import { broadcastTo, concat, oneHot, pad, scatterAddAlongAxis, slice, takeAlongAxis, transpose } from './movement.js';
import { batchNorm, batchNormBackward } from './norm.js';
import { avgPool2d, avgPool2dBackward, maxPool2d } from './pool.js';
import { argReduce, logSoftmax, reduce, softmax } from './reduce.js';
import { type GpujsData, type GpujsStats, type GTensor, Runtime } from './runtime.js';
import { HELPERS } from './scalar.js';

export type { GpujsMode, GpujsRunMode } from './modes.js';
export { GPUJS_MODES, parseGpujsMode } from './modes.js';
export type { GpujsData, GpujsStats } from './runtime.js';

export interface GpujsOptions {
  /** Default 'gpu': the best mode available here (headlessgl, webgl2, webgl, webasm, then cpu). */
  readonly mode?: GpujsMode;
}

/** The gpujs Backend plus resource accounting and teardown. */
export interface GpujsBackend extends Backend<GpujsData> {
  readonly name: 'gpujs';
  /** The mode every kernel really runs in (asserted after each run). */
  readonly mode: GpujsRunMode;
  /** Compiled kernels and live textures, for leak tests. */
  stats(): GpujsStats;
  /** Frees every kernel and texture of this backend; its tensors are unusable afterwards. */
  destroy(): void;
}

/** Largest integer magnitude a float32 holds exactly. */
const MAX_EXACT_INT = 2 ** 24;

/**
 * Creates a gpujs backend (synchronously: the mode is probed with one tiny kernel). Throws, saying why and
 * what to install, when the requested mode cannot run here.
 */
export function createGpujsBackend(options: GpujsOptions = {}): GpujsBackend {
  const mode = resolveMode(options.mode ?? 'gpu');
  const rt = new Runtime(mode, HELPERS);

  const kernels: Kernels<GpujsData> = {
    unary: (op, x) => unary(rt, op, x),
    binary: (op, a, b) => binary(rt, op, a, b),
    compare: (op, a, b) => compare(rt, op, a, b),
    where: (c, a, b) => where(rt, c, a, b),
    reduce: (op, x, axes) => reduce(rt, op, x, axes),
    argReduce: (op, x, axis) => argReduce(rt, op, x, axis),
    matmul: (a, b, ta, tb) => matmul(rt, a, b, ta, tb),
    conv2d: (x, w, attrs, bias) => conv2d(rt, x, w, attrs, bias),
    conv2dBackpropInput: (dy, w, xShape, attrs) => conv2dBackpropInput(rt, dy, w, xShape, attrs),
    conv2dBackpropFilter: (x, dy, wShape, attrs) => conv2dBackpropFilter(rt, x, dy, wShape, attrs),
    maxPool2d: (x, attrs) => maxPool2d(rt, x, attrs),
    avgPool2d: (x, attrs) => avgPool2d(rt, x, attrs),
    avgPool2dBackward: (dy, xShape, attrs) => avgPool2dBackward(rt, dy, xShape, attrs),
    batchNorm: (x, weight, bias, eps) => batchNorm(rt, x, weight, bias, eps),
    batchNormBackward: (dy, x, weight, mean, variance, eps) =>
      batchNormBackward(rt, dy, x, weight, mean, variance, eps),
    takeAlongAxis: (x, idx, axis) => takeAlongAxis(rt, x, idx, axis),
    scatterAddAlongAxis: (u, idx, axis, size) => scatterAddAlongAxis(rt, u, idx, axis, size),
    pad: (x, pads, padMode, value) => pad(rt, x, pads, padMode, value),
    slice: (x, begin, size) => slice(rt, x, begin, size),
    concat: (xs, axis) => concat(rt, xs, axis),
    transpose: (x, perm) => transpose(rt, x, perm),
    broadcastTo: (x, shape) => broadcastTo(rt, x, shape),
    oneHot: (idx, depth, dtype) => oneHot(rt, idx, depth, dtype),
    softmax: (x, axis) => softmax(rt, x, axis),
    logSoftmax: (x, axis) => logSoftmax(rt, x, axis),
    cast: (x, dtype) => cast(rt, x, dtype),
  };

  function upload(values: TypedArray, shape: Shape): GTensor {
    const dtype = dtypeOf(values);
    if (values.length !== sizeOf(shape)) {
      throw new Error(`gpujs.upload: ${values.length} values for shape [${shape.join(',')}]`);
    }
    if (dtype === 'float64') {
      throw new Error('gpujs.upload: float64 is not supported (float32 storage); cast to Float32Array first');
    }
    if (dtype === 'int32') {
      for (const v of values) {
        if (Math.abs(v) > MAX_EXACT_INT) {
          throw new Error(`gpujs.upload: int32 value ${v} is beyond ±2^24, which float32 storage cannot hold exactly`);
        }
      }
    }
    const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
    return { data: rt.upload(f32), shape: [...shape], dtype };
  }

  function read(x: GTensor): TypedArray {
    const values = rt.read(x.data, sizeOf(x.shape));
    if (x.dtype !== 'int32') return values;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]!);
    return out;
  }

  return {
    name: 'gpujs',
    mode,
    upload,
    read,
    dispose: (x) => rt.release(x.data),
    kernels,
    stats: () => rt.stats(),
    destroy: () => rt.destroy(),
  };
}
