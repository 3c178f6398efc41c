/**
 * @file Every primitive in one typed table. The mapped type makes a missing entry a compile error, and
 * the gradient suite walks this table, so an op without a gradient check cannot hide.
 */
import type { OpName } from './attrs.js';
import * as conv from './conv.js';
import type { OpDef } from './def.js';
import * as ew from './elementwise.js';
import * as ix from './indexing.js';
import * as la from './linalg.js';
import * as mv from './movement.js';
import * as nn from './nn.js';
import * as norm from './norm.js';
import * as rd from './reduce.js';

/** @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it. */
export const OPS: { readonly [K in OpName]: OpDef<K> } = {
  neg: ew.negDef,
  abs: ew.absDef,
  sign: ew.signDef,
  exp: ew.expDef,
  expm1: ew.expm1Def,
  log: ew.logDef,
  log1p: ew.log1pDef,
  sqrt: ew.sqrtDef,
  rsqrt: ew.rsqrtDef,
  square: ew.squareDef,
  reciprocal: ew.reciprocalDef,
  sin: ew.sinDef,
  cos: ew.cosDef,
  tanh: ew.tanhDef,
  sigmoid: ew.sigmoidDef,
  relu: ew.reluDef,
  erf: ew.erfDef,
  erfc: ew.erfcDef,
  floor: ew.floorDef,
  ceil: ew.ceilDef,
  round: ew.roundDef,
  add: ew.addDef,
  sub: ew.subDef,
  mul: ew.mulDef,
  div: ew.divDef,
  pow: ew.powDef,
  maximum: ew.maximumDef,
  minimum: ew.minimumDef,
  equal: ew.equalDef,
  notEqual: ew.notEqualDef,
  less: ew.lessDef,
  lessEqual: ew.lessEqualDef,
  greater: ew.greaterDef,
  greaterEqual: ew.greaterEqualDef,
  where: ew.whereDef,
  cast: ew.castDef,
  identity: ew.identityDef,
  sum: rd.sumDef,
  max: rd.maxDef,
  min: rd.minDef,
  argmax: rd.argmaxDef,
  argmin: rd.argminDef,
  reshape: mv.reshapeDef,
  transpose: mv.transposeDef,
  broadcastTo: mv.broadcastToDef,
  slice: mv.sliceDef,
  concat: mv.concatDef,
  pad: mv.padDef,
  takeAlongAxis: ix.takeAlongAxisDef,
  scatterAddAlongAxis: ix.scatterAddAlongAxisDef,
  oneHot: ix.oneHotDef,
  matmul: la.matmulDef,
  conv2d: conv.conv2dDef,
  conv2dBackpropInput: conv.conv2dBackpropInputDef,
  conv2dBackpropFilter: conv.conv2dBackpropFilterDef,
  maxPool2d: conv.maxPool2dDef,
  avgPool2d: conv.avgPool2dDef,
  avgPool2dBackward: conv.avgPool2dBackwardDef,
  softmax: nn.softmaxDef,
  logSoftmax: nn.logSoftmaxDef,
  batchNorm: norm.batchNormDef,
};

/**
 * Names of every primitive.
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export const opNames = (): OpName[] => Object.keys(OPS) as OpName[];
