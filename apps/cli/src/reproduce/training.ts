/**
 * @file Training and testing for the reproductions: `fit` from @tapenet/train with a progress bar per
 * epoch, no checkpoints (a reproduction is re-run, not resumed), and test accuracy with `evaluate`.
 */
import type { Key } from '@tapenet/autodiff';
import type { Augment, Dataset } from '@tapenet/datasets';
import type { Layer } from '@tapenet/layers';
import type { GradientTransformation, LearningRate } from '@tapenet/optim';
import { type EpochRecord, evaluate, fit, type ScheduleSpec } from '@tapenet/train';
import { ProgressBar } from '../progress.js';
import { Interrupted, type RunContext } from './experiment.js';

/** A model's trained parameters and state. */
export type Trained = { readonly params: unknown; readonly state: unknown };

/** What to train and how. */
export type TrainSpec = {
  /** Shown in front of the progress bar. */
  readonly label: string;
  readonly model: Layer<unknown, unknown>;
  readonly data: Dataset;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: (lr: LearningRate) => GradientTransformation<unknown>;
  readonly schedule: ScheduleSpec;
  readonly augment?: Augment;
  /** The run's root key (init, data order, dropout: see `fit`). */
  readonly key: Key;
};

/** Trains `spec.model`, drawing a progress bar on stderr; throws `Interrupted` when Ctrl-C stopped it. */
export async function train(
  ctx: RunContext,
  spec: TrainSpec,
): Promise<Trained & { readonly history: readonly EpochRecord[]; readonly seconds: number }> {
  const started = performance.now();
  let bar: ProgressBar | undefined;
  const result = await fit({
    model: spec.model,
    optimizer: spec.optimizer,
    schedule: spec.schedule,
    train: spec.data,
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    key: spec.key,
    ...(spec.augment === undefined ? {} : { augment: spec.augment }),
    ...(ctx.io.signal === undefined ? {} : { signal: ctx.io.signal }),
    callbacks: {
      onEpochStart: ({ epoch, total }) => {
        bar = new ProgressBar(`${spec.label} ${epoch + 1}/${spec.epochs}`, total, ctx.io.stderr);
      },
      onBatchEnd: ({ done, running }) => bar?.update(done, { loss: running.loss, accuracy: running.accuracy }),
      onEpochEnd: () => bar?.finish(),
    },
  });
  if (result.stopped === 'interrupted') {
    bar?.finish();
    throw new Interrupted(`interrupted while training ${spec.label}`);
  }
  const seconds = (performance.now() - started) / 1000;
  return { params: result.params, state: result.state, history: result.history, seconds };
}

/**
 * Test accuracy (0-1) of a trained model on `data`, in inference mode; throws `Interrupted` when Ctrl-C
 * (`signal`) stopped it.
 */
export async function accuracyOn(
  model: Layer<unknown, unknown>,
  trained: Trained,
  data: Dataset,
  signal?: AbortSignal,
): Promise<number> {
  const r = await evaluate({
    model,
    params: trained.params,
    state: trained.state,
    data,
    ...(signal === undefined ? {} : { signal }),
  });
  if (signal?.aborted) throw new Interrupted('interrupted while testing');
  return r.accuracy;
}
