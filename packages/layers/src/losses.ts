/**
 * @file Losses, built from autodiff ops so their gradients come from the tape. Every loss is stable for
 * logits of any magnitude (1e4 included): cross-entropy goes through `logSoftmax`, the binary one through
 * a softplus that never exponentiates a positive number.
 */
import {
  abs,
  add,
  argmax,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkTensor,
  fmt,
  int32Range,
  less,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  ShapeError,
  square,
  sub,
  sum,
  type Tensor,
  where,
} from '@tapenet/autodiff';
import { softplusExact } from './functional.js';

/** How per-example (or per-element) losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';
export type ReductionOptions = { readonly reduction?: Reduction };

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** A loss's tensors and options, validated (plain-JavaScript callers included). */
function lossArgs<O extends ReductionOptions>(op: string, a: [string, Tensor], b: [string, Tensor], opts?: O): O {
  checkTensor(op, a[0], a[1]);
  checkTensor(op, b[0], b[1]);
  const o = checkOptions(op, 'opts', opts);
  checkOneOf(op, 'reduction', o.reduction ?? 'mean', REDUCTIONS);
  return o;
}

const reduce = (l: Tensor, r: Reduction = 'mean'): Tensor => (r === 'none' ? l : r === 'sum' ? sum(l) : mean(l));

const sameShape = (op: string, a: Tensor, b: Tensor, an: string, bn: string): void => {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, bn, `has shape ${fmt(b.shape)} but ${an} has ${fmt(a.shape)}`);
  }
};

/** Class labels as a `[N, K]` target distribution: int32 `[N]` indices become one-hot rows; `[N, K]` floats are taken as given. */
function targetsOf(op: string, logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2) throw new ShapeError(op, 'logits', `have shape ${fmt(logits.shape)}; expected [N, K]`);
  const [n, k] = logits.shape as [number, number];
  if (labels.dtype === 'int32') {
    if (labels.rank !== 1 || labels.shape[0] !== n)
      throw new ShapeError(op, 'labels', `have shape ${fmt(labels.shape)}; expected [${n}] class indices`);
    // The range, not the labels: known without copying them out of the backend when they came from JavaScript.
    const [lo, hi] = int32Range(labels);
    const bad = lo < 0 ? lo : hi >= k ? hi : undefined;
    if (bad !== undefined) throw new ShapeError(op, 'labels', `contain ${bad}, outside [0, ${k})`);
    return oneHot(labels, k, logits.dtype === 'float64' ? 'float64' : 'float32');
  }
  sameShape(op, logits, labels, 'logits', 'labels');
  return labels;
}

export type CrossEntropyOptions = ReductionOptions & {
  /** ε: the target becomes `(1 − ε)·target + ε/K` (as PyTorch's label_smoothing). Default 0. */
  readonly labelSmoothing?: number;
};

/**
 * Softmax cross-entropy from logits: `ℓₙ = −Σₖ tₙₖ·logSoftmax(zₙ)ₖ`. logits `[N, K]`; labels int32 `[N]`
 * (class indices) or `[N, K]` probabilities (one-hot or soft). Reduction 'mean' (default, over N), 'sum',
 * or 'none' (`[N]`). Stable for logits of magnitude 1e4; the gradient is `softmax(z) − t` (÷N for 'mean').
 * @example softmaxCrossEntropy(tensor([[2, 0, 0]]), tensor([0], { dtype: 'int32' })).item() // ≈ 0.2395
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor, options?: CrossEntropyOptions): Tensor {
  const opts = lossArgs('softmaxCrossEntropy', ['logits', logits], ['labels', labels], options);
  const eps = checkNumber('softmaxCrossEntropy', 'labelSmoothing', opts.labelSmoothing ?? 0);
  if (!(eps >= 0 && eps <= 1))
    throw new ShapeError('softmaxCrossEntropy', 'labelSmoothing', `${eps} must lie in [0, 1]`);
  const t = targetsOf('softmaxCrossEntropy', logits, labels);
  const k = logits.shape[1]!;
  const target = eps === 0 ? t : add(mul(t, 1 - eps), eps / k);
  return reduce(neg(sum(mul(target, logSoftmax(logits, -1)), [1])), opts.reduction);
}

/**
 * Binary cross-entropy from logits x with targets z ∈ [0, 1] (same shape), elementwise
 * `ℓ = max(x, 0) − x·z + log(1 + e^{−|x|})`, i.e. `softplus(x) − x·z`; its gradient is `σ(x) − z`
 * everywhere (x = 0 included). Reduction over all elements (default 'mean').
 * @example binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item() // log 2
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor, options?: ReductionOptions): Tensor {
  const opts = lossArgs('binaryCrossEntropyWithLogits', ['logits', logits], ['targets', targets], options);
  sameShape('binaryCrossEntropyWithLogits', logits, targets, 'logits', 'targets');
  return reduce(sub(softplusExact(logits), mul(logits, targets)), opts.reduction);
}

/** Mean squared error `(ŷ − y)²` (reduction over all elements, default 'mean'). */
export function mse(pred: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const opts = lossArgs('mse', ['pred', pred], ['target', target], options);
  sameShape('mse', pred, target, 'pred', 'target');
  return reduce(square(sub(pred, target)), opts.reduction);
}

/** Mean absolute error `|ŷ − y|` (its gradient at 0 is 0, as PyTorch's l1_loss). */
export function l1(pred: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const opts = lossArgs('l1', ['pred', pred], ['target', target], options);
  sameShape('l1', pred, target, 'pred', 'target');
  return reduce(abs(sub(pred, target)), opts.reduction);
}

/**
 * Huber loss (torch.nn.HuberLoss): with d = ŷ − y, `½d²` where `|d| < δ`, else `δ·(|d| − ½δ)`.
 * Default δ = 1 (then it equals smooth-L1).
 */
export function huber(pred: Tensor, target: Tensor, options?: ReductionOptions & { readonly delta?: number }): Tensor {
  const opts = lossArgs('huber', ['pred', pred], ['target', target], options);
  sameShape('huber', pred, target, 'pred', 'target');
  const delta = checkNumber('huber', 'delta', opts.delta ?? 1);
  if (!(delta > 0)) throw new ShapeError('huber', 'delta', `${delta} must be positive`);
  const d = sub(pred, target);
  const a = abs(d);
  return reduce(where(less(a, delta), mul(square(d), 0.5), mul(sub(a, 0.5 * delta), delta)), opts.reduction);
}

/** @internal class indices from int32 labels or from `[N, K]` one-hot/probability rows. */
export const labelIndices = (labels: Tensor): Tensor => (labels.dtype === 'int32' ? labels : argmax(labels, -1));
