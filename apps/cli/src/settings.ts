/** @file The settings of `tapenet train`, parsed from the command line, with the defaults of the main job. */
import { augment as makeAugment, type Augment } from '@tapenet/datasets';
import { adam, adamw, type GradientTransformation, type LearningRate, rmsprop, sgd } from '@tapenet/optim';
import { choice, int, num, type Parsed, str } from './args.js';
import { BACKENDS, type BackendChoice } from './backend.js';
import { UsageError } from './command.js';
import { DATASETS, type DatasetName } from './data.js';

export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
export const SCHEDULES = ['cosine', 'onecycle', 'constant'] as const;
export const AUGMENTS = ['auto', 'none', 'shift', 'crop-flip'] as const;

/** Everything a training run was asked to do (recorded in checkpoints and metrics.json). */
export type TrainSettings = {
  readonly model: string;
  readonly dataset: DatasetName;
  readonly dataDir: string | null;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly optimizer: (typeof OPTIMIZERS)[number];
  readonly schedule: (typeof SCHEDULES)[number];
  readonly weightDecay: number;
  readonly augment: Exclude<(typeof AUGMENTS)[number], 'auto'>;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly threads: number | null;
  readonly valSize: number;
  readonly trainSize: number | null;
  readonly testSize: number | null;
  readonly patience: number | null;
  /** A safetensors state dict to start from (fine-tuning), or null for a fresh initialisation. */
  readonly initFrom: string | null;
};

/** Default epochs: the main job (LeNet-5 on MNIST) is tuned to reach 99% test accuracy in this many. */
export const DEFAULT_EPOCHS = 8;
/** Default batch size. */
export const DEFAULT_BATCH = 64;

const defaultLr = (optimizer: TrainSettings['optimizer']): number => (optimizer === 'sgd' ? 0.05 : 1e-3);

/** Reads the settings from parsed options (throws `UsageError` for bad values). */
export function readSettings(p: Parsed, model: string): TrainSettings {
  const dataset = str(p, 'dataset');
  if (dataset === undefined) throw new UsageError(`missing --dataset <${DATASETS.join('|')}>`);
  const ds = choice(p, 'dataset', DATASETS, 'mnist');
  const optimizer = choice(p, 'optimizer', OPTIMIZERS, 'adam');
  const aug = choice(p, 'augment', AUGMENTS, 'auto');
  const optional = (name: string, min: number): number | null =>
    str(p, name) === undefined ? null : int(p, name, 0, min);
  return {
    model,
    dataset: ds,
    dataDir: str(p, 'data-dir') ?? null,
    epochs: int(p, 'epochs', DEFAULT_EPOCHS),
    batchSize: int(p, 'batch-size', DEFAULT_BATCH),
    lr: num(p, 'lr', defaultLr(optimizer)),
    optimizer,
    schedule: choice(p, 'schedule', SCHEDULES, 'cosine'),
    weightDecay: num(p, 'weight-decay', optimizer === 'sgd' ? 5e-4 : 0, true),
    augment: aug === 'auto' ? (ds === 'cifar10' ? 'crop-flip' : 'none') : aug,
    seed: int(p, 'seed', 0, 0),
    backend: choice(p, 'backend', BACKENDS, 'wasm'),
    threads: optional('threads', 1),
    valSize: int(p, 'val-size', 5000, 0),
    trainSize: optional('train-size', 1),
    testSize: optional('test-size', 1),
    patience: optional('patience', 1),
    initFrom: str(p, 'init-from') ?? null,
  };
}

/** The optimiser of the settings as a function of the learning rate (the schedule). */
export function optimizerFor(s: TrainSettings): (lr: LearningRate) => GradientTransformation<unknown> {
  const wd = s.weightDecay;
  switch (s.optimizer) {
    case 'adam':
      return (lr) => adam({ lr, weightDecay: wd }) as GradientTransformation<unknown>;
    case 'adamw':
      return (lr) => adamw({ lr, weightDecay: wd }) as GradientTransformation<unknown>;
    case 'sgd':
      return (lr) => sgd({ lr, momentum: 0.9, nesterov: true, weightDecay: wd }) as GradientTransformation<unknown>;
    case 'rmsprop':
      return (lr) => rmsprop({ lr, weightDecay: wd }) as GradientTransformation<unknown>;
  }
}

/** The augmentation of the settings. */
export function augmentFor(s: TrainSettings): Augment | undefined {
  switch (s.augment) {
    case 'none':
      return undefined;
    case 'shift':
      return makeAugment({ translate: 2 });
    case 'crop-flip':
      return makeAugment({ crop: { padding: 4 }, flip: true });
  }
}
