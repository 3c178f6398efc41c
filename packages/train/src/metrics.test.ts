import { tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { addSums, batchSums, defaultTopK, EMPTY_SUMS, summarize } from './metrics.js';

describe('batchSums', () => {
  const logits = tensor([
    [0.1, 2, 0.3],
    [3, 0, 1],
    [0, 1, 1],
  ]);
  const labels = tensor([1, 2, 2], { dtype: 'int32' });

  it('counts arg-max hits, scales the mean loss and returns predictions', () => {
    const { sums, predictions } = batchSums(logits, labels, 0.5, 0);
    expect(sums).toEqual({ lossSum: 1.5, count: 3, correct: 1, topKCorrect: 0 });
    expect([...predictions]).toEqual([1, 0, 1]); // a tie goes to the first maximum
  });

  it('counts top-k hits, with ties favouring the label', () => {
    expect(batchSums(logits, labels, 0, 1).sums.topKCorrect).toBe(2); // row 3: label 2 ties the maximum
    expect(batchSums(logits, labels, 0, 2).sums.topKCorrect).toBe(3);
  });

  it('refuses logits that are not [N, K] and labels of the wrong length', () => {
    expect(() => batchSums(tensor([1, 2]), labels, 0, 0)).toThrow(
      /classificationCounts: logits have shape \[2\]; expected \[N, K\]/,
    );
    expect(() => batchSums(logits, tensor([1], { dtype: 'int32' }), 0, 0)).toThrow(
      /classificationCounts: labels have shape \[1\]; expected \[3\] indices/,
    );
  });
});

describe('summaries', () => {
  it('adds sums in order and summarises them', () => {
    const a = { lossSum: 2, count: 4, correct: 3, topKCorrect: 4 };
    const s = addSums(addSums(EMPTY_SUMS, a), a);
    expect(summarize(s, 5)).toEqual({ loss: 0.5, accuracy: 0.75, topK: 1, count: 8 });
    expect(summarize(s, 0)).toEqual({ loss: 0.5, accuracy: 0.75, count: 8 });
  });

  it('tracks top-5 only where there are more than 10 classes', () => {
    expect(defaultTopK(10)).toBe(0);
    expect(defaultTopK(100)).toBe(5);
  });
});
