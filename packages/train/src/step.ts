/**
 * @file The pure step functions the training loop drives:
 * `trainStep(params, state, optState, batch, key) → { params', state', optState', metrics }` and
 * `evalStep(params, state, batch) → { metrics, predictions }`. Nothing is mutated; the same inputs give
 * the same outputs.
 */
import { type Key, type Tensor, valueAndGrad } from '@tapenet/autodiff';
import type { Layer } from '@tapenet/layers';
import { applyUpdates, type GradientTransformation } from '@tapenet/optim';
import { batchSums, type MetricSums } from './metrics.js';

/** A loss from logits `[N, K]` and int32 labels `[N]` to a scalar (mean over the batch). */
export type LossFn = (logits: Tensor, labels: Tensor) => Tensor;

/** A batch as the steps see it: inputs `x: [N, ...]` and int32 labels `y: [N]`. */
export type StepBatch = { readonly x: Tensor; readonly y: Tensor };

/** What a training step returns: the next params, model state and optimiser state, and the batch metrics. */
export type StepResult<P, S, O> = {
  readonly params: P;
  readonly state: S;
  readonly optState: O;
  readonly metrics: MetricSums;
};

/** A pure training step. */
export type TrainStep<P, S, O> = (params: P, state: S, optState: O, batch: StepBatch, key: Key) => StepResult<P, S, O>;

/** A pure evaluation step (inference mode: no dropout, batch norm uses its running statistics). */
export type EvalStep<P, S> = (
  params: P,
  state: S,
  batch: StepBatch,
) => { readonly metrics: MetricSums; readonly predictions: Int32Array };

/** What {@link makeTrainStep} needs. `topK = 0` skips top-k accuracy. */
export type StepConfig<P, S, O> = {
  readonly model: Layer<P, S>;
  readonly loss: LossFn;
  readonly optimizer: GradientTransformation<O>;
  readonly topK: number;
};

/**
 * The training step: forward in training mode with `key` (dropout), loss, gradients of the loss with
 * respect to the params, one optimiser update.
 * @example const step = makeTrainStep({ model, loss: softmaxCrossEntropy, optimizer: adam(), topK: 0 });
 */
export function makeTrainStep<P, S, O>(config: StepConfig<P, S, O>): TrainStep<P, S, O> {
  const { model, loss, optimizer, topK } = config;
  return (params, state, optState, batch, key) => {
    const objective = (p: P) => {
      const { y, state: next } = model.apply(p, state, batch.x, { train: true, key });
      return [loss(y, batch.y), { next, logits: y }] as const;
    };
    const [[value, aux], grads] = valueAndGrad(objective, { hasAux: true })(params);
    const [updates, nextOpt] = optimizer.update(grads, optState, params);
    const { sums } = batchSums(aux.logits, batch.y, value.item(), topK);
    return { params: applyUpdates(params, updates) as P, state: aux.next, optState: nextOpt, metrics: sums };
  };
}

/**
 * The evaluation step: forward in inference mode, loss and metrics, and the arg-max predictions.
 * @example const { metrics } = makeEvalStep({ model, loss: softmaxCrossEntropy, topK: 0 })(params, state, batch);
 */
export function makeEvalStep<P, S>(config: Omit<StepConfig<P, S, unknown>, 'optimizer'>): EvalStep<P, S> {
  const { model, loss, topK } = config;
  return (params, state, batch) => {
    const { y } = model.apply(params, state, batch.x, { train: false });
    const { sums, predictions } = batchSums(y, batch.y, loss(y, batch.y).item(), topK);
    return { metrics: sums, predictions };
  };
}
