/**
 * @file Classification metrics on host numbers, accumulated batch by batch: summed loss, correct
 * predictions and top-k hits. Sums are kept as float64 numbers in batch order, so the same batches in the
 * same order give the same figures bit for bit (which is what makes a resumed run equal an uninterrupted one).
 */
import type { Tensor } from '@tapenet/autodiff';

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
 * Arg-max of each row of `scores` (`[N, K]`, row-major) and how many classes score strictly higher than
 * the label (the label counts as a top-k hit when fewer than k do, so ties favour the label).
 */
function countHits(scores: ArrayLike<number>, labels: ArrayLike<number>, n: number, kClasses: number, k: number) {
  let correct = 0;
  let topKCorrect = 0;
  const predictions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * kClasses;
    let best = 0;
    let bestValue = scores[row]!;
    for (let j = 1; j < kClasses; j++) {
      const v = scores[row + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    predictions[i] = best;
    const label = labels[i]!;
    if (best === label) correct++;
    if (k > 0) {
      const own = scores[row + label]!;
      let above = 0;
      for (let j = 0; j < kClasses && above < k; j++) if (scores[row + j]! > own) above++;
      if (above < k) topKCorrect++;
    }
  }
  return { correct, topKCorrect, predictions };
}

/**
 * Metric sums of one batch from its logits (`[N, K]`), int32 labels (`[N]`) and mean loss, plus the
 * arg-max predictions (for confusion matrices). `k = 0` skips top-k.
 * @example batchSums(logits, labels, loss.item(), 5).sums.correct
 */
export function batchSums(
  logits: Tensor,
  labels: Tensor,
  meanLoss: number,
  k: number,
): { readonly sums: MetricSums; readonly predictions: Int32Array } {
  if (logits.rank !== 2) throw new RangeError(`batchSums: logits must be [N, K], got [${logits.shape.join(', ')}]`);
  const [n, kClasses] = logits.shape as [number, number];
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new RangeError(`batchSums: labels must be [${n}] class indices, got [${labels.shape.join(', ')}]`);
  }
  const { correct, topKCorrect, predictions } = countHits(logits.data(), labels.data(), n, kClasses, k);
  return { sums: { lossSum: meanLoss * n, count: n, correct, topKCorrect }, predictions };
}

/** Default top-k: 5 where there are more than 10 classes, otherwise none (0). */
export const defaultTopK = (numClasses: number): number => (numClasses > 10 ? 5 : 0);
