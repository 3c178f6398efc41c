import { key, type Tensor, treeLeaves } from '@tapenet/autodiff';
import { batches } from '@tapenet/datasets';
import { softmaxCrossEntropy } from '@tapenet/layers';
import { sgd } from '@tapenet/optim';
import { expect, it } from 'vitest';
import { tinyConv, tinyDataset } from '../test/fixtures.js';
import { evaluate } from './evaluate.js';
import { makeTrainStep } from './step.js';

const data = tinyDataset(45, 5);
const model = tinyConv();
const { params, state } = model.init(key(0), [1, 4, 4]);

it('evaluate: metrics over every example, with a confusion matrix that agrees with them', async () => {
  const progress: number[] = [];
  const r = await evaluate({
    model,
    params,
    state,
    data,
    batchSize: 20,
    confusion: true,
    onBatch: (d) => progress.push(d),
  });
  expect(progress).toEqual([20, 40, 45]);
  expect(r.count).toBe(45);
  const m = r.confusion!;
  expect(m.flat().reduce((a, b) => a + b, 0)).toBe(45);
  expect(m.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([15, 15, 15]); // rows are true classes
  expect(m[0]![0]! + m[1]![1]! + m[2]![2]!).toBe(Math.round(r.accuracy * 45));
  const full = await evaluate({ model, params, state, data, batchSize: 45 });
  expect(full.loss).toBeCloseTo(r.loss, 5);
});

it('the train step is pure: same inputs, same outputs, inputs untouched', () => {
  const step = makeTrainStep({ model, loss: softmaxCrossEntropy, optimizer: sgd({ lr: 0.1, momentum: 0.9 }), topK: 0 });
  const opt = sgd({ lr: 0.1, momentum: 0.9 }).init(params);
  const before = treeLeaves(params).map((t) => [...(t as Tensor).data()]);
  const batch = batches(tinyDataset(8, 1), { batchSize: 8 }).at(0);
  const a = step(params, state, opt, batch, key(1));
  const b = step(params, state, opt, batch, key(1));
  expect(treeLeaves(params).map((t) => [...(t as Tensor).data()])).toEqual(before);
  expect(treeLeaves(a.params).map((t) => [...(t as Tensor).data()])).toEqual(
    treeLeaves(b.params).map((t) => [...(t as Tensor).data()]),
  );
  expect(a.metrics).toEqual(b.metrics);
  expect(a.metrics.count).toBe(8);
  const again = step(a.params, a.state, a.optState, batch, key(2));
  expect(again.metrics.lossSum).toBeLessThan(a.metrics.lossSum);
});
