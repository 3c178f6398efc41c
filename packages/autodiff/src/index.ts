/**
 * @file Public surface of @tapenet/autodiff: immutable tensors, ops, transformations, tracing, pytrees, PRNG keys.
 * Gradient-checking tools live in `@tapenet/autodiff/testing`.
 */
export type { DType, FloatDType, Shape, TypedArray } from '@tapenet/kernels';
export {
  availableBackends,
  getBackend,
  getDebugNans,
  setBackend,
  setDebugNans,
  withBackend,
} from './context.js';
export { fmt, NonFiniteError, ReleasedTensorError, ShapeError } from './errors.js';
export { customVjp, grad, hessianVectorProduct, jvp, type MapLike, valueAndGrad, vjp } from './grad.js';
export * from './ops/index.js';
export type { OpAttrs, OpName } from './ops/attrs.js';
export type { OpDef, VjpContext } from './ops/def.js';
export { checkTensor, checkTensorLike, checkTensors } from './ops/util.js';
export { OPS, opNames } from './ops/registry.js';
export * as random from './random/index.js';
export { type DisposeOptions, dispose, keep, scope } from './scope.js';
export type { Key } from './random/keys.js';
export { foldIn, key, split } from './random/keys.js';
export {
  arange,
  eye,
  full,
  int32Range,
  isTensor,
  type NestedArray,
  ones,
  onesLike,
  scalar,
  Tensor,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './tensor.js';
export { isTracing, type TracedOp, traceOps } from './trace.js';
export {
  type Grads,
  isLeaf,
  type MapTensors,
  type Tree,
  type TreeDef,
  treeFlatten,
  treeLeaves,
  treeMap,
  treePaths,
  treeTensors,
  treeUnflatten,
  treeZip,
} from './tree.js';
export {
  checkArray,
  checkAxis,
  checkBoolean,
  checkDType,
  checkFunction,
  checkInt,
  checkInts,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPadding,
  checkPair,
  checkResultSize,
  checkShape,
  DTYPES,
  describeValue,
  FLOAT_DTYPES,
  MAX_ELEMENTS,
} from './validate.js';
