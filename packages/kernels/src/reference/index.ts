/** @file The reference backend: plain TypeScript over typed arrays, float32 and float64, the ground truth. */
import type { Backend, Kernels, Shape, TypedArray } from '../backend.js';
import { dtypeOf, sizeOf } from '../shape.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { binary, cast, compare, unary, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { batchNorm, batchNormBackward } from './norm.js';
import { broadcastTo, concat, oneHot, pad, scatterAddAlongAxis, slice, takeAlongAxis, transpose } from './movement.js';
import { avgPool2d, avgPool2dBackward, maxPool2d } from './pool.js';
import { argReduce, logSoftmax, reduce, softmax } from './reduce.js';
import { check, fmt, type RTensor, tensorOf, zerosOf } from './tensor.js';

const kernels: Kernels<TypedArray> = {
  unary,
  binary,
  compare,
  where,
  reduce,
  argReduce,
  matmul,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  maxPool2d,
  avgPool2d,
  avgPool2dBackward,
  batchNorm,
  batchNormBackward,
  takeAlongAxis,
  scatterAddAlongAxis,
  pad,
  slice,
  concat,
  transpose,
  broadcastTo,
  oneHot,
  softmax,
  logSoftmax,
  cast,
};

/** Copies `values` into a new tensor of `shape`; the dtype follows the array type. */
function upload(values: TypedArray, shape: Shape): RTensor {
  check(values.length === sizeOf(shape), 'upload', () => `${values.length} values for shape ${fmt(shape)}`);
  return tensorOf(values.slice(), shape, dtypeOf(values));
}

/**
 * The readable ground truth every other backend is tested against. Storage is the typed array itself;
 * `upload` and `read` copy, `dispose` does nothing (the garbage collector owns memory).
 */
export const reference: Backend<TypedArray> = {
  name: 'reference',
  mode: 'js',
  upload,
  fill: (shape, value, dtype) => {
    const t = zerosOf(shape, dtype);
    t.data.fill(value);
    return t;
  },
  read: (x) => x.data.slice(),
  dispose: () => {},
  kernels,
};
