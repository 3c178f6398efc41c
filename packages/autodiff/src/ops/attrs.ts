/**
 * @file The one list of primitive ops and their attributes. Adding an op here without adding its
 * definition to `OPS` (registry.ts) and a case to the gradient suite fails to compile.
 */
import type {
  AvgPool2dAttrs,
  Conv2dAttrs,
  DType,
  FloatDType,
  PadMode,
  Pair,
  Pool2dAttrs,
  Shape,
} from '@tapenet/kernels';

type None = Record<string, never>;

export interface OpAttrs {
  // elementwise unary
  neg: None;
  abs: None;
  sign: None;
  exp: None;
  expm1: None;
  log: None;
  log1p: None;
  sqrt: None;
  rsqrt: None;
  square: None;
  reciprocal: None;
  sin: None;
  cos: None;
  tanh: None;
  sigmoid: None;
  relu: None;
  erf: None;
  erfc: None;
  floor: None;
  ceil: None;
  round: None;
  // elementwise binary (broadcasting)
  add: None;
  sub: None;
  mul: None;
  div: None;
  pow: None;
  maximum: None;
  minimum: None;
  // comparisons and selection
  equal: None;
  notEqual: None;
  less: None;
  lessEqual: None;
  greater: None;
  greaterEqual: None;
  where: None;
  cast: { readonly dtype: DType };
  identity: None;
  // reductions
  sum: { readonly axes: readonly number[] };
  max: { readonly axes: readonly number[] };
  min: { readonly axes: readonly number[] };
  argmax: { readonly axis: number };
  argmin: { readonly axis: number };
  // movement
  reshape: { readonly shape: Shape };
  transpose: { readonly perm: readonly number[] };
  broadcastTo: { readonly shape: Shape };
  slice: { readonly begin: readonly number[]; readonly size: readonly number[] };
  concat: { readonly axis: number };
  pad: { readonly pads: readonly Pair[]; readonly mode: PadMode; readonly value: number };
  // indexing
  takeAlongAxis: { readonly axis: number };
  scatterAddAlongAxis: { readonly axis: number; readonly size: number };
  oneHot: { readonly depth: number; readonly dtype: FloatDType };
  // linear algebra and convolution
  matmul: { readonly transposeA: boolean; readonly transposeB: boolean };
  conv2d: Conv2dAttrs;
  conv2dBackpropInput: Conv2dAttrs & { readonly xShape: Shape };
  conv2dBackpropFilter: Conv2dAttrs & { readonly wShape: Shape };
  maxPool2d: Pool2dAttrs;
  avgPool2d: AvgPool2dAttrs;
  avgPool2dBackward: AvgPool2dAttrs & { readonly xShape: Shape };
  // normalisation
  softmax: { readonly axis: number };
  logSoftmax: { readonly axis: number };
  batchNorm: { readonly eps: number };
}

export type OpName = keyof OpAttrs;
