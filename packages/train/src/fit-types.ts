/** @file The options, callbacks, records and result of `fit`. */
import type { Key } from '@tapenet/autodiff';
import type { Augment, Dataset } from '@tapenet/datasets';
import type { Layer } from '@tapenet/layers';
import type { GradientTransformation, LearningRate, Schedule } from '@tapenet/optim';
import type { JsonValue } from './checkpoint/json.js';
import type { MetricSums, Metrics } from './metrics.js';
import type { LossFn } from './step.js';

/** What one epoch did; `fit` returns one per epoch in `history` (and the CLI writes them to metrics.json). */
export type EpochRecord = {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** The learning rate of the epoch's last step, when `fit` was given a schedule. */
  readonly lr?: number;
  readonly train: Metrics;
  readonly validation?: Metrics;
  /** Wall-clock seconds of the epoch's training batches (timings differ between runs; nothing else does). */
  readonly seconds: number;
  /** Training examples per second over the epoch. */
  readonly imagesPerSecond: number;
};

/** A metric to monitor for the best checkpoint and early stopping. */
export type Monitor = 'val_accuracy' | 'val_loss' | 'accuracy' | 'loss';

/** The best epoch so far by the monitored metric. */
export type Best = { readonly epoch: number; readonly monitor: Monitor; readonly value: number };

/**
 * Where a run stands, enough to continue it exactly: the epoch in progress (0-based), the batches of it
 * already done, the running sums of that epoch, and everything decided so far. JSON-serialisable.
 */
export type FitProgress = {
  readonly epoch: number;
  readonly batch: number;
  /** Optimiser steps done in total. */
  readonly step: number;
  readonly sums: MetricSums;
  /** Seconds spent on the epoch in progress before an interruption. */
  readonly seconds: number;
  readonly history: readonly EpochRecord[];
  readonly best: Best | null;
  /** Epochs since the monitored metric last improved (early stopping). */
  readonly wait: number;
};

/** What `onBatchEnd` sees. */
export type BatchInfo = {
  /** 0-based epoch and batch; `batches` per epoch; `step` = optimiser steps done in total. */
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly step: number;
  /** Examples of this epoch done, and in the epoch. */
  readonly done: number;
  readonly total: number;
  /** This batch's metrics, and the epoch's so far. */
  readonly metrics: Metrics;
  readonly running: Metrics;
  readonly lr?: number;
};

/** The trees of a model under training. */
export type Snapshot<P, S, O> = { readonly params: P; readonly state: S; readonly optState: O };

/** Callbacks; each may return a promise, which `fit` awaits. */
export type Callbacks<P, S, O> = {
  readonly onEpochStart?: (info: { epoch: number; epochs: number; batches: number; total: number }) => unknown;
  readonly onBatchEnd?: (info: BatchInfo) => unknown;
  /** Validation progress (examples done of total). */
  readonly onValidationBatch?: (done: number, total: number) => unknown;
  /** After validation and checkpointing; return `'stop'` (or a promise of it) to end training. */
  readonly onEpochEnd?: (
    record: EpochRecord,
    snapshot: Snapshot<P, S, O> & { readonly best: Best | null; readonly history: readonly EpochRecord[] },
  ) => unknown;
};

/** Early stopping: stop when `monitor` has not improved by more than `minDelta` for `patience` epochs. */
export type EarlyStopping = { readonly patience: number; readonly minDelta?: number; readonly monitor?: Monitor };

/** Checkpointing: `last.safetensors` after every epoch and on interruption, `best.safetensors` on improvement. */
export type CheckpointOptions = {
  readonly dir: string;
  /** The model's name and configuration, recorded so that the model can be rebuilt from the file. */
  readonly model: { readonly name: string; readonly config: JsonValue };
  readonly optimizer?: { readonly name: string; readonly config: JsonValue };
  /** Extra JSON kept in every checkpoint (e.g. command-line settings). */
  readonly extra?: JsonValue;
};

/** The run's plan, from which a schedule is made (cosine decay and one-cycle need the total steps). */
export type SchedulePlan = { readonly stepsPerEpoch: number; readonly totalSteps: number };

/** Makes the learning-rate schedule from the plan, e.g. `({ totalSteps }) => cosineDecaySchedule({ init: 1e-3, totalSteps })`. */
export type ScheduleSpec = (plan: SchedulePlan) => Schedule;

/** Options of `fit`. */
export type FitOptions<P, S, O> = {
  readonly model: Layer<P, S>;
  /** Default: softmax cross-entropy. */
  readonly loss?: LossFn;
  /** An optimiser, or a function from a learning rate (the `schedule`) to one. */
  readonly optimizer: GradientTransformation<O> | ((lr: LearningRate) => GradientTransformation<O>);
  /** Learning-rate schedule; needs `optimizer` to be a function of the learning rate. */
  readonly schedule?: ScheduleSpec;
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly epochs: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Default 500. */
  readonly evalBatchSize?: number;
  /** The run's root key: init uses `foldIn(key, 0)`, data order `foldIn(key, 1)`, dropout `foldIn(key, 2)`. */
  readonly key: Key;
  /** Training-time augmentation. */
  readonly augment?: Augment;
  readonly callbacks?: Callbacks<P, S, O>;
  readonly earlyStopping?: EarlyStopping;
  /** Metric for the best checkpoint (default `val_accuracy` with validation data, else `accuracy`). */
  readonly monitor?: Monitor;
  readonly checkpoint?: CheckpointOptions;
  /** Continue the run saved in this checkpoint (written by `fit`, usually `last.safetensors`). */
  readonly resume?: string;
  /** Start from these params and state instead of `model.init` (ignored when resuming). */
  readonly init?: { readonly params: P; readonly state: S };
  /** Abort to stop after the current batch; `last.safetensors` is written first when checkpointing. */
  readonly signal?: AbortSignal;
  /** Top-k accuracy to track (default 5 with more than 10 classes, else 0: none). */
  readonly topK?: number;
};

/** How `fit` ended. */
export type StopReason = 'completed' | 'early-stopping' | 'callback' | 'interrupted';

/** What `fit` returns. */
export type FitResult<P, S, O> = Snapshot<P, S, O> & {
  readonly history: readonly EpochRecord[];
  readonly best: Best | null;
  readonly stopped: StopReason;
  readonly progress: FitProgress;
};
