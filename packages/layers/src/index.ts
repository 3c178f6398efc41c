/**
 * @file Public surface of @tapenet/layers: pure layers (`{ describe, init, apply }`), combinators,
 * initialisers, losses, metrics and `summary`.
 */
export {
  elementwise,
  elu,
  gelu,
  geluTanh,
  hardtanh,
  identity,
  leakyRelu,
  logSoftmax,
  mish,
  relu,
  scaledTanh,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from './activations.js';
export {
  fanInConcat,
  fanInSum,
  fanOut,
  type NamedParams,
  type NamedState,
  named,
  parallel,
  type SerialParams,
  type SerialState,
  serial,
} from './combinators.js';
export { toFn } from './compose.js';
export { type Conv2dConfig, type ConvParams, conv2d } from './conv.js';
export { type DenseConfig, type DenseParams, dense, flatten } from './dense.js';
export { dropout } from './dropout.js';
export { dropout2d, type EmbeddingParams, embedding } from './embedding.js';
export * as F from './functional.js';
export { type Padding, type Window, windowOf } from './geometry.js';
export * as initializers from './init.js';
export {
  type AffineParams,
  type GroupNormConfig,
  groupNorm,
  type InstanceNormConfig,
  instanceNorm,
  type LayerNormConfig,
  layerNorm,
} from './group-norm.js';
export { fansOf, gainOf } from './fans.js';
export { forwardTo, type IntermediatesOptions, intermediates, layerPaths } from './intermediates.js';
export {
  constant,
  type FanMode,
  type Fans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type Initializer,
  lecunNormal,
  lecunUniform,
  type Nonlinearity,
  normal,
  torchDefaultBias,
  torchDefaultWeight,
  truncatedNormal,
  uniform,
  varianceScalingNormal,
  varianceScalingUniform,
  type WeightBiasInit,
} from './init.js';
export { LayerError } from './internal.js';
export { type LocalParams, type LocallyConnected2dConfig, locallyConnected2d } from './local.js';
export {
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  huber,
  l1,
  mse,
  type Reduction,
  type ReductionOptions,
  softmaxCrossEntropy,
} from './losses.js';
export {
  accuracy,
  type ClassificationCounts,
  classificationCounts,
  confusionMatrix,
  topKAccuracy,
} from './metrics.js';
export {
  type BatchNormConfig,
  type BatchNormParams,
  type BatchNormState,
  batchNorm,
  type LocalResponseNormConfig,
  localResponseNorm,
} from './norm.js';
export {
  adaptiveAvgPool2d,
  adaptiveBins,
  adaptiveMaxPool2d,
  avgPool2d,
  globalAvgPool,
  maxPool2d,
  type Pool2dConfig,
} from './pool.js';
export { type ResidualOptions, residual } from './residual.js';
export { type ConvTranspose2dConfig, type ConvTransposeParams, convTranspose2d, upsample } from './upconv.js';
export { countOf, type Summary, type SummaryRow, shapeLeaves, summary } from './summary.js';
export type {
  Acts,
  AnyLayer,
  Applied,
  Child,
  ChildInfo,
  Ctx,
  Empty,
  InitOptions,
  Initialized,
  InOf,
  Layer,
  LayerInfo,
  OutOf,
  ParamsOf,
  ShapeOf,
  ShapeTree,
  StateOf,
  Tap,
} from './types.js';
