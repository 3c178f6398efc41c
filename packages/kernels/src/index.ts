/** @file Public surface of @tapenet/kernels. */
export type {
  ArgReduceOp,
  AvgPool2dAttrs,
  Backend,
  BackendName,
  BinaryOp,
  CompareOp,
  Conv2dAttrs,
  DType,
  FloatDType,
  KernelName,
  Kernels,
  KTensor,
  Padding4,
  PadMode,
  Pair,
  Pool2dAttrs,
  ReduceOp,
  Shape,
  TypedArray,
  UnaryOp,
} from './backend.js';
export { reference } from './reference/index.js';
export {
  allocate,
  broadcastShapes,
  conv2dOutShape,
  dtypeOf,
  pool2dOutShape,
  sizeOf,
  stridesOf,
  windowOutSize,
} from './shape.js';
export { type BackendOptions, backendNames, createBackend, defaultBackendName } from './select.js';
export {
  createGpujsBackend,
  GPUJS_MODES,
  type GpujsBackend,
  type GpujsData,
  type GpujsMode,
  type GpujsOptions,
  type GpujsRunMode,
  type GpujsStats,
  parseGpujsMode,
} from './gpujs/index.js';
export {
  createWasmBackend,
  DEFAULT_TUNING as WASM_DEFAULT_TUNING,
  JS_KERNELS as WASM_JS_KERNELS,
  TINY_TUNING as WASM_TINY_TUNING,
  type Tuning as WasmTuning,
  type WasmBackend,
  type WasmBackendOptions,
  type WasmStats,
  wasmRelaxedSimdAvailable,
} from './wasm/index.js';
