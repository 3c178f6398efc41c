/** @file Test helpers: state-dict keys by shape inference, and one SGD step on a fixed batch. */
import { key, mul, random, sub, type Tensor, treeMap, treePaths, valueAndGrad } from '@tapenet/autodiff';
import { countOf, type Layer, softmaxCrossEntropy } from '@tapenet/layers';
import { stateDictShapes } from '../src/state-dict.js';

/** Trainable parameters by shape inference. */
export const paramCount = (model: Layer<unknown, unknown>, inShape: readonly number[]): number =>
  countOf(model.describe(inShape).params);

/** Every state-dict key (params and state), sorted. */
export const keysOf = (model: Layer<unknown, unknown>, inShape: readonly number[]): string[] =>
  stateDictShapes(model, inShape)
    .map((e) => e.key)
    .sort();

/** Keys `prefix.{weight,bias,running_mean,running_var,num_batches_tracked}` of a torch BatchNorm. */
export const bnKeys = (prefix: string): string[] =>
  ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'].map((k) => `${prefix}.${k}`);

export type StepResult = {
  readonly before: number;
  readonly after: number;
  readonly outShape: readonly number[];
  readonly gradPaths: string[];
  readonly paramPaths: string[];
  readonly statePaths: string[];
  readonly describedKeys: string[];
};

/**
 * Initialises `model` for `inShape`, runs forward and backward on a fixed batch of `batch` examples in
 * training mode (fixed dropout key), takes one SGD step of size `lr` and evaluates the loss again.
 */
export function sgdStep(
  model: Layer<unknown, unknown>,
  inShape: readonly number[],
  numClasses: number,
  batch = 2,
  lr = 0.01,
): StepResult {
  const { params, state } = model.init(key(0), inShape);
  const x = random.normal(key(1), [batch, ...inShape]);
  const labels = random.randint(key(2), [batch], 0, numClasses);
  const ctx = { train: true, key: key(3) };
  const loss = (p: typeof params) => softmaxCrossEntropy(model.apply(p, state, x, ctx).y, labels);
  const out = model.apply(params, state, x, ctx).y;
  const [before, grads] = valueAndGrad(loss)(params);
  const next = treeMap((p: Tensor, g: Tensor) => sub(p, mul(g, lr)), params, grads);
  return {
    before: before.item(),
    after: loss(next).item(),
    outShape: out.shape,
    gradPaths: treePaths(grads).map(([k]) => k),
    paramPaths: treePaths(params).map(([k]) => k),
    statePaths: treePaths(state).map(([k]) => k),
    describedKeys: keysOf(model, inShape),
  };
}
