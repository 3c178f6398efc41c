/** @file The run folder's non-checkpoint artefacts: metrics.json and the PNG pictures. */
import { join } from 'node:path';
import type { Tensor } from '@tapenet/autodiff';
import { writeFileAtomic } from '@tapenet/autodiff/node';
import type { EpochRecord, EvaluateResult } from '@tapenet/train';
import { renderConfusionMatrix, renderCurves, renderFilters, writePngAtomic } from '@tapenet/vis';

/** File names inside a run folder. */
export const RUN_FILES = {
  best: 'best.safetensors',
  last: 'last.safetensors',
  metrics: 'metrics.json',
  loss: 'loss.png',
  accuracy: 'accuracy.png',
  confusion: 'confusion.png',
  filters: 'filters.png',
} as const;

/**
 * Writes `value` as pretty JSON to `path` atomically with `writeFileAtomic` of `@tapenet/autodiff/node`
 * (`.<name>.<pid>.<random>.tmp` beside it, created exclusively, fsynced, renamed; a later run removes the
 * temporary file if this process dies first).
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Loss and accuracy curves (train and validation per epoch). */
export async function writeCurves(dir: string, history: readonly EpochRecord[]): Promise<void> {
  const series = (pick: (r: EpochRecord) => number | undefined) => history.map((r) => pick(r) ?? Number.NaN);
  const hasVal = history.some((r) => r.validation !== undefined);
  const chart = (title: string, yLabel: string, train: number[], val: number[]) => ({
    title,
    xLabel: 'epoch',
    yLabel,
    series: [{ name: 'train', values: train }, ...(hasVal ? [{ name: 'validation', values: val }] : [])],
  });
  await writePngAtomic(
    join(dir, RUN_FILES.loss),
    renderCurves(
      chart(
        'Loss',
        'cross-entropy',
        series((r) => r.train.loss),
        series((r) => r.validation?.loss),
      ),
    ),
  );
  await writePngAtomic(
    join(dir, RUN_FILES.accuracy),
    renderCurves(
      chart(
        'Accuracy',
        'accuracy (%)',
        series((r) => 100 * r.train.accuracy),
        series((r) => r.validation && 100 * r.validation.accuracy),
      ),
    ),
  );
}

/** The confusion matrix of a test evaluation. */
export async function writeConfusion(
  dir: string,
  result: EvaluateResult,
  classNames: readonly string[],
): Promise<void> {
  if (result.confusion === undefined) return;
  await writePngAtomic(join(dir, RUN_FILES.confusion), renderConfusionMatrix(result.confusion, classNames));
}

/** The first-layer filters (nothing for a model without a first convolution). */
export async function writeFilters(dir: string, weight: Tensor | undefined): Promise<boolean> {
  if (weight === undefined) return false;
  await writePngAtomic(join(dir, RUN_FILES.filters), renderFilters(weight, { scale: 8 }));
  return true;
}
