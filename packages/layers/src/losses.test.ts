/** @file Losses and metrics: worked values, stability at logits ±1e4, gradients. */
import { fc, test } from '@fast-check/vitest';
import { grad, key, oneHot, random, type Tensor, tensor } from '@tapenet/autodiff';
import { checkGrads } from '@tapenet/autodiff/testing';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classificationCounts,
  binaryCrossEntropyWithLogits,
  confusionMatrix,
  huber,
  l1,
  mse,
  softmaxCrossEntropy,
  topKAccuracy,
} from './index.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
const i32 = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });
const arr = (t: Tensor): number[] => Array.from(t.data());

describe('softmaxCrossEntropy', () => {
  it('is −log softmax at the label, averaged over the batch', () => {
    const logits = f64([
      [2, 0, 0],
      [0, 1, 0],
    ]);
    const l0 = Math.log(1 + 2 * Math.exp(-2));
    const l1v = Math.log(2 + Math.E) - 1;
    expect(softmaxCrossEntropy(logits, i32([0, 1])).item()).toBeCloseTo((l0 + l1v) / 2, 12);
    expect(softmaxCrossEntropy(logits, i32([0, 1]), { reduction: 'sum' }).item()).toBeCloseTo(l0 + l1v, 12);
    expect(arr(softmaxCrossEntropy(logits, i32([0, 1]), { reduction: 'none' }))).toEqual([
      expect.closeTo(l0, 12),
      expect.closeTo(l1v, 12),
    ]);
    expect(softmaxCrossEntropy(logits, oneHot(i32([0, 1]), 3, 'float64')).item()).toBeCloseTo((l0 + l1v) / 2, 12);
  });

  it('label smoothing mixes in the uniform distribution: (1 − ε)·CE + ε·mean_k(−log p_k)', () => {
    const logits = f64([[2, 0, -1]]);
    const lse = Math.log(Math.exp(2) + 1 + Math.exp(-1));
    const nll = [lse - 2, lse, lse + 1];
    const expected = 0.9 * nll[0]! + (0.1 * (nll[0]! + nll[1]! + nll[2]!)) / 3;
    expect(softmaxCrossEntropy(logits, i32([0]), { labelSmoothing: 0.1 }).item()).toBeCloseTo(expected, 12);
  });

  it('values and gradients at logits ±1e4 are finite and exact', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const logits = tensor(
        [
          [1e4, -1e4, 0],
          [-1e4, 1e4, 1e4],
        ],
        { dtype },
      );
      const labels = i32([1, 2]);
      const loss = softmaxCrossEntropy(logits, labels);
      expect(loss.item()).toBeCloseTo((2e4 + Math.LN2) / 2, dtype === 'float64' ? 9 : 1);
      const g = grad((z: Tensor) => softmaxCrossEntropy(z, labels))(logits);
      // (softmax − onehot)/N
      expect(arr(g)).toEqual([0.5, -0.5, 0, 0, 0.25, -0.25].map((v) => expect.closeTo(v, 6)));
    }
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 2, max: 5 }),
      fc.nat(1000),
      fc.double({ min: 0, max: 0.5, noNaN: true }),
    ],
    { numRuns: 20 },
  )('float64 gradients agree with finite differences (index and soft labels, smoothing)', (n, k, seed, eps) => {
    const logits = random.normal(key(seed), [n, k], 0, 3, { dtype: 'float64' });
    const labels = random.randint(key(seed + 1), [n], 0, k);
    checkGrads((z) => softmaxCrossEntropy(z, labels, { labelSmoothing: eps }), [logits]);
    const soft = random.uniform(key(seed + 2), [n, k], 0, 1, { dtype: 'float64' });
    checkGrads((z, t) => softmaxCrossEntropy(z, t, { reduction: 'sum' }), [logits, soft]);
  });

  it('rejects bad labels', () => {
    expect(() => softmaxCrossEntropy(f64([[0, 0]]), i32([2]))).toThrow(
      /softmaxCrossEntropy: labels contain 2, outside \[0, 2\)/,
    );
    expect(() => softmaxCrossEntropy(f64([[0, 0]]), i32([0, 1]))).toThrow(/labels have shape \[2\]; expected \[1\]/);
    expect(() => softmaxCrossEntropy(f64([[0, 0]]), f64([[1, 0, 0]]))).toThrow(
      /labels has shape \[1, 3\] but logits has \[1, 2\]/,
    );
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('matches −z·log σ(x) − (1 − z)·log(1 − σ(x)) for moderate logits', () => {
    const x = [-3, -0.5, 0, 0.7, 4];
    const z = [0, 1, 0.5, 1, 0.2];
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = x.map((v, i) => -z[i]! * Math.log(s(v)) - (1 - z[i]!) * Math.log(1 - s(v)));
    expect(arr(binaryCrossEntropyWithLogits(f64(x), f64(z), { reduction: 'none' }))).toEqual(
      expected.map((v) => expect.closeTo(v, 12)),
    );
  });

  it('is finite and exact at ±1e4, with gradient σ(x) − z (x = 0 included)', () => {
    const x = f64([1e4, -1e4, 1e4, -1e4, 0]);
    const z = f64([0, 0, 1, 1, 1]);
    expect(arr(binaryCrossEntropyWithLogits(x, z, { reduction: 'none' }))).toEqual([1e4, 0, 0, 1e4, Math.LN2]);
    const g = grad((v: Tensor) => binaryCrossEntropyWithLogits(v, z, { reduction: 'sum' }))(x);
    expect(arr(g)).toEqual([1, 0, 0, -1, -0.5]);
  });

  it('float64 gradients agree with finite differences', () => {
    checkGrads(
      (x, z) => binaryCrossEntropyWithLogits(x, z),
      [
        random.normal(key(1), [3, 4], 0, 3, { dtype: 'float64' }),
        random.uniform(key(2), [3, 4], 0, 1, { dtype: 'float64' }),
      ],
    );
  });
});

describe('regression losses', () => {
  const p = f64([1, -2, 3, 0.5]);
  const t = f64([0, 0, 0, 0]);
  it('mse, l1, huber values', () => {
    expect(mse(p, t).item()).toBeCloseTo((1 + 4 + 9 + 0.25) / 4, 12);
    expect(l1(p, t, { reduction: 'sum' }).item()).toBeCloseTo(6.5, 12);
    // δ = 1: |d| < 1 → ½d², else |d| − ½
    expect(arr(huber(p, t, { reduction: 'none' }))).toEqual([0.5, 1.5, 2.5, 0.125]);
    expect(arr(huber(p, t, { delta: 2.5, reduction: 'none' }))).toEqual([0.5, 2, 2.5 * (3 - 1.25), 0.125]);
  });
  it('gradients: mse 2d/n, l1 sign(d)/n, huber clip(d, ±δ)/n', () => {
    expect(arr(grad((x: Tensor) => mse(x, t))(p))).toEqual([0.5, -1, 1.5, 0.25]);
    expect(arr(grad((x: Tensor) => l1(x, t))(p))).toEqual([0.25, -0.25, 0.25, 0.25]);
    expect(arr(grad((x: Tensor) => huber(x, t, { delta: 2 }))(p))).toEqual([0.25, -0.5, 0.5, 0.125]);
  });
  it('reject shape mismatches', () => {
    expect(() => mse(p, f64([1, 2]))).toThrow(/mse: target has shape \[2\] but pred has \[4\]/);
  });
});

describe('metrics', () => {
  const logits = f64([
    [0.1, 2, 0.3],
    [3, 0, 1],
    [0, 1, 2],
    [5, 4, 6],
  ]);
  const labels = i32([1, 2, 2, 1]);
  it('accuracy and top-k accuracy', () => {
    expect(accuracy(logits, labels)).toBe(0.5);
    expect(accuracy(logits, oneHot(labels, 3))).toBe(0.5);
    expect(topKAccuracy(logits, labels, 1)).toBe(0.5);
    expect(topKAccuracy(logits, labels, 2)).toBe(0.75); // row 3: label 1 has the smallest logit
    expect(topKAccuracy(logits, labels, 3)).toBe(1);
  });
  it('classificationCounts: first arg-max on ties, ties favour the label for top-k, labels in range', () => {
    const tied = f64([
      [1, 1, 0],
      [2, 5, 5],
    ]);
    const c = classificationCounts(tied, i32([1, 2]), 1);
    expect([...c.predictions]).toEqual([0, 1]);
    expect([c.count, c.correct, c.topKCorrect]).toEqual([2, 0, 2]);
    expect(classificationCounts(logits, labels).topKCorrect).toBe(0);
    expect(() => classificationCounts(logits, i32([1, 2, 3, 1]))).toThrow(
      /classificationCounts: labels hold 3 at row 2; expected a class in \[0, 3\)/,
    );
  });
  it('confusion matrix: rows are labels, columns predictions', () => {
    const m = confusionMatrix(logits, labels, 3);
    expect(m.dtype).toBe('int32');
    expect(m.toArray()).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(confusionMatrix(i32([0, 1, 1]), i32([0, 0, 1]), 2).toArray()).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });
});
