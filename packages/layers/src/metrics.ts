/** @file Metrics on host numbers: accuracy, top-k accuracy, confusion matrix. No gradients. */
import {
  checkInt,
  checkTensor,
  argmax,
  cast,
  equal,
  fmt,
  less,
  matmul,
  mean,
  oneHot,
  ShapeError,
  sum,
  takeAlongAxis,
  greater,
  reshape,
  type Tensor,
} from '@tapenet/autodiff';
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

/**
 * Fraction of rows whose arg-max logit is the label. logits `[N, K]`; labels int32 `[N]` or `[N, K]` one-hot.
 * @example accuracy(tensor([[0.1, 2], [3, 0]]), tensor([1, 1], { dtype: 'int32' })) // 0.5
 */
export function accuracy(logits: Tensor, labels: Tensor): number {
  const idx = check('accuracy', logits, labels);
  return mean(cast(equal(argmax(logits, -1), idx), 'float64')).item();
}

/**
 * Fraction of rows whose label is among the k largest logits: the label counts as a hit when fewer
 * than k classes have a strictly larger logit (so ties favour the label).
 * @example topKAccuracy(tensor([[3, 2, 1]]), tensor([1], { dtype: 'int32' }), 2) // 1
 */
export function topKAccuracy(logits: Tensor, labels: Tensor, k: number): number {
  const idx = check('topKAccuracy', logits, labels);
  checkInt('topKAccuracy', 'k', k, 1);
  const own = takeAlongAxis(logits, reshape(idx, [idx.size, 1]), 1); // [N, 1]
  const above = sum(cast(greater(logits, own), 'float64'), [1]);
  return mean(less(above, k)).item();
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
