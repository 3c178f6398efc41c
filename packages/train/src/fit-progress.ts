/** @file Reading a `FitProgress` back from checkpoint metadata, and the monitored-metric helpers. */
import { isJsonObject, readCount } from './checkpoint/json.js';
import type { Best, EpochRecord, FitProgress, Monitor } from './fit-types.js';
import type { MetricSums } from './metrics.js';

/** The progress of a run that has not started. */
export const START: FitProgress = {
  epoch: 0,
  batch: 0,
  step: 0,
  sums: { lossSum: 0, count: 0, correct: 0, topKCorrect: 0 },
  seconds: 0,
  history: [],
  best: null,
  wait: 0,
};

const MONITORS: readonly Monitor[] = ['val_accuracy', 'val_loss', 'accuracy', 'loss'];

const isNumber = (x: unknown): x is number => typeof x === 'number';

/**
 * Checks that `x` (parsed from a checkpoint) has the shape of a `FitProgress`.
 * @throws Error naming the first field that is wrong.
 */
export function decodeProgress(x: unknown, file: string): FitProgress {
  const bad = (message: string): never => {
    throw new Error(`${file}: cannot resume: progress ${message}`);
  };
  if (!isJsonObject(x)) return bad('is missing (the checkpoint was not written by fit)');
  for (const field of ['epoch', 'batch', 'step', 'wait'] as const) {
    const r = readCount(x[field], field);
    if (!r.ok) bad(r.message);
  }
  const sums = x.sums;
  if (!isJsonObject(sums) || !['lossSum', 'count', 'correct', 'topKCorrect'].every((k) => isNumber(sums[k]))) {
    bad('sums must be { lossSum, count, correct, topKCorrect } numbers');
  }
  if (!isNumber(x.seconds)) bad('seconds must be a number');
  if (!Array.isArray(x.history) || !x.history.every(isJsonObject)) bad('history must be an array of epoch records');
  const best = x.best;
  if (
    best !== null &&
    !(isJsonObject(best) && isNumber(best.epoch) && isNumber(best.value) && MONITORS.includes(best.monitor as Monitor))
  ) {
    bad('best must be null or { epoch, monitor, value }');
  }
  return x as unknown as FitProgress;
}

/** The monitored value of an epoch record, or undefined when the record lacks it (no validation data). */
export function monitored(record: EpochRecord, monitor: Monitor): number | undefined {
  switch (monitor) {
    case 'val_accuracy':
      return record.validation?.accuracy;
    case 'val_loss':
      return record.validation?.loss;
    case 'accuracy':
      return record.train.accuracy;
    case 'loss':
      return record.train.loss;
  }
}

/** Whether `value` improves on `best` by more than `minDelta` (higher is better for accuracies). */
export function improves(value: number, best: Best | null, monitor: Monitor, minDelta: number): boolean {
  if (Number.isNaN(value)) return false;
  if (best === null) return true;
  return monitor.endsWith('loss') ? value < best.value - minDelta : value > best.value + minDelta;
}

/** Sums with nothing seen (re-exported for convenience). */
export const NO_SUMS: MetricSums = START.sums;
