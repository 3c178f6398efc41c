/** @file All public ops. */
export {
  type AvgPool2dOptions,
  avgPool2d,
  type Conv2dOptions,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  maxPool2d,
  type PaddingSpec,
  type Pool2dOptions,
  resolvePadding,
} from './conv.js';
export {
  abs,
  add,
  cast,
  ceil,
  cos,
  div,
  equal,
  erf,
  erfc,
  exp,
  expm1,
  floor,
  greater,
  greaterEqual,
  identity,
  less,
  lessEqual,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './elementwise.js';
export { gather, oneHot, scatterAddAlongAxis, takeAlongAxis } from './indexing.js';
export { dot, type MatmulOptions, matmul, outer } from './linalg.js';
export {
  addN,
  broadcastTo,
  concat,
  expandDims,
  flatten,
  pad,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  transpose,
  unbroadcast,
} from './movement.js';
export { logSoftmax, softmax } from './nn.js';
export {
  adaptiveMaxPool2d,
  type ConvTranspose2dOptions,
  convTranspose2d,
  type UpsampleOptions,
  upsample,
} from './resize.js';
export { type BatchNormOptions, type BatchNormOutput, batchNorm } from './norm.js';
export { argmax, argmin, logSumExp, max, mean, min, type ReduceOptions, sum, variance } from './reduce.js';
export { stopGradient } from './stop.js';
export type { TensorLike } from './util.js';
