/**
 * @file Classification metrics on host numbers, accumulated batch by batch: summed loss, correct
 * predictions and top-k hits. Sums are kept as float64 numbers in batch order, so the same batches in the
 * same order give the same figures bit for bit (which is what makes a resumed run equal an uninterrupted one).
 */
import type { Tensor } from '@tapenet/autodiff';
import { classificationCounts } from '@tapenet/layers';

/** Running sums over the batches seen so far (plain numbers, JSON-serialisable for checkpoints). */
export type MetricSums = {
  /** Σ over batches of `mean loss × batch size`. */
  readonly lossSum: number;
  /** Examples seen. */
  readonly count: number;
  /** Examples whose arg-max prediction is the label. */
  readonly correct: number;
  /** Examples whose label is among the `topK` largest scores (when top-k is tracked). */
  readonly topKCorrect: number;
};

/** Summary of a set of batches: mean loss, accuracy, and top-k accuracy when tracked. */
export type Metrics = {
  readonly loss: number;
  readonly accuracy: number;
  /** Top-k accuracy (k is `FitOptions.topK`, 5 by default when there are more than 10 classes). */
  readonly topK?: number;
  readonly count: number;
};

/** Sums with nothing seen. */
export const EMPTY_SUMS: MetricSums = Object.freeze({ lossSum: 0, count: 0, correct: 0, topKCorrect: 0 });

/** Adds two sets of sums (`a` first, so the order of additions is always batch order). */
export const addSums = (a: MetricSums, b: MetricSums): MetricSums => ({
  lossSum: a.lossSum + b.lossSum,
  count: a.count + b.count,
  correct: a.correct + b.correct,
  topKCorrect: a.topKCorrect + b.topKCorrect,
});

/** The summary of `sums`; `topK` is reported when `k > 0`. NaN for an empty set. */
export function summarize(sums: MetricSums, k: number): Metrics {
  const n = sums.count;
  const base = { loss: sums.lossSum / n, accuracy: sums.correct / n, count: n };
  return k > 0 ? { ...base, topK: sums.topKCorrect / n } : base;
}

/**
 * Metric sums of one batch from its logits (`[N, K]`), int32 labels (`[N]`) and mean loss, plus the
 * arg-max predictions (for confusion matrices). `k = 0` skips top-k. The counts are @tapenet/layers'
 * `classificationCounts`, the one definition of a hit (and of ties) that `accuracy` and `topKAccuracy` use.
 * @example batchSums(logits, labels, loss.item(), 5).sums.correct
 */
export function batchSums(
  logits: Tensor,
  labels: Tensor,
  meanLoss: number,
  k: number,
): { readonly sums: MetricSums; readonly predictions: Int32Array } {
  const { count, correct, topKCorrect, predictions } = classificationCounts(logits, labels, k);
  return { sums: { lossSum: meanLoss * count, count, correct, topKCorrect }, predictions };
}

/** Default top-k: 5 where there are more than 10 classes, otherwise none (0). */
export const defaultTopK = (numClasses: number): number => (numClasses > 10 ? 5 : 0);
