/**
 * @file Classification metrics, defined once for tapenet (the training loop's running sums use
 * `classificationCounts` too): accuracy, top-k accuracy, confusion matrix. Host numbers, no gradients.
 */
import { checkInt, checkTensor, argmax, cast, fmt, matmul, oneHot, ShapeError, type Tensor } from '@tapenet/autodiff';
import { labelIndices } from './losses.js';

function check(op: string, logits: Tensor, labels: Tensor): Tensor {
  checkTensor(op, 'logits', logits);
  checkTensor(op, 'labels', labels);
  if (logits.rank !== 2) throw new ShapeError(op, 'logits', `have shape ${fmt(logits.shape)}; expected [N, K]`);
  const idx = labelIndices(labels);
  if (idx.rank !== 1 || idx.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      op,
      'labels',
      `have shape ${fmt(labels.shape)}; expected [${logits.shape[0]}] indices or [${logits.shape.join(', ')}] one-hot rows`,
    );
  }
  return idx;
}

/** What {@link classificationCounts} returns for one batch. */
export type ClassificationCounts = {
  /** Rows (examples). */
  readonly count: number;
  /** Rows whose arg-max score is the label. */
  readonly correct: number;
  /** Rows whose label is among the `k` largest scores (0 when `k` is 0). */
  readonly topKCorrect: number;
  /** The arg-max of each row (the first on ties). */
  readonly predictions: Int32Array;
};

/**
 * The counts every classification metric is made of, in one pass over the scores on the host: each row's
 * arg-max (the first on ties), whether it is the label, and whether the label is a top-`k` hit: fewer
 * than `k` classes score strictly higher than it (so ties favour the label). `k = 0` skips top-k.
 * logits `[N, K]`; labels int32 `[N]` or `[N, K]` one-hot.
 * @example classificationCounts(logits, labels, 5).topKCorrect
 */
export function classificationCounts(logits: Tensor, labels: Tensor, k = 0): ClassificationCounts {
  const idx = check('classificationCounts', logits, labels).data();
  checkInt('classificationCounts', 'k', k, 0);
  const [n, classes] = logits.shape as [number, number];
  const scores = logits.data();
  let correct = 0;
  let topKCorrect = 0;
  const predictions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let best = 0;
    for (let j = 1; j < classes; j++) if (scores[row + j]! > scores[row + best]!) best = j;
    predictions[i] = best;
    const label = idx[i]!;
    if (!(label >= 0 && label < classes)) {
      throw new ShapeError(
        'classificationCounts',
        'labels',
        `hold ${label} at row ${i}; expected a class in [0, ${classes})`,
      );
    }
    if (best === label) correct++;
    if (k > 0) {
      const own = scores[row + label]!;
      let above = 0;
      for (let j = 0; j < classes && above < k; j++) if (scores[row + j]! > own) above++;
      if (above < k) topKCorrect++;
    }
  }
  return { count: n, correct, topKCorrect, predictions };
}

/**
 * Fraction of rows whose arg-max logit is the label. logits `[N, K]`; labels int32 `[N]` or `[N, K]` one-hot.
 * @example accuracy(tensor([[0.1, 2], [3, 0]]), tensor([1, 1], { dtype: 'int32' })) // 0.5
 */
export function accuracy(logits: Tensor, labels: Tensor): number {
  const c = classificationCounts(logits, labels);
  return c.correct / c.count;
}

/**
 * Fraction of rows whose label is among the k largest logits: the label counts as a hit when fewer
 * than k classes have a strictly larger logit (so ties favour the label).
 * @example topKAccuracy(tensor([[3, 2, 1]]), tensor([1], { dtype: 'int32' }), 2) // 1
 */
export function topKAccuracy(logits: Tensor, labels: Tensor, k: number): number {
  checkInt('topKAccuracy', 'k', k, 1);
  const c = classificationCounts(logits, labels, k);
  return c.topKCorrect / c.count;
}

/**
 * Confusion matrix, int32 `[K, K]` with `m[i, j]` = number of examples of true class i predicted as j
 * (rows: labels, as scikit-learn). pred: int32 `[N]` class indices or float `[N, K]` scores (arg-max taken).
 * @example confusionMatrix(tensor([0, 1, 1], { dtype: 'int32' }), tensor([0, 0, 1], { dtype: 'int32' }), 2) // [[1, 1], [0, 1]]
 */
export function confusionMatrix(pred: Tensor, labels: Tensor, numClasses: number): Tensor {
  checkTensor('confusionMatrix', 'pred', pred);
  checkTensor('confusionMatrix', 'labels', labels);
  checkInt('confusionMatrix', 'numClasses', numClasses, 1, 1 << 16);
  const p = pred.dtype === 'int32' ? pred : argmax(pred, -1);
  const l = labelIndices(labels);
  if (p.rank !== 1 || l.rank !== 1 || p.size !== l.size) {
    throw new ShapeError(
      'confusionMatrix',
      'labels',
      `have shape ${fmt(l.shape)} but predictions have ${fmt(p.shape)}`,
    );
  }
  return cast(
    matmul(oneHot(l, numClasses, 'float64'), oneHot(p, numClasses, 'float64'), { transposeA: true }),
    'int32',
  );
}
