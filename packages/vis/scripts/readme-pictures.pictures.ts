/**
 * @file Makes the pictures in the README from a LeNet-5 trained here for one epoch on MNIST (wasm
 * backend). Not part of `pnpm test`; run `pnpm exec vitest run -c scripts/vitest.config.ts` in
 * packages/vis (about a minute on two cores). Writes docs/*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  add,
  concat,
  div,
  type Grads,
  key,
  mul,
  setBackend,
  sqrt,
  sub,
  type Tensor,
  tensor,
  treeMap,
  valueAndGrad,
} from '@tapenet/autodiff';
import { batches, fromImageDataset, loadMnist, MNIST_NORMALIZATION, runOrThrow, split, take } from '@tapenet/datasets';
import { accuracy, confusionMatrix, forwardTo, softmaxCrossEntropy } from '@tapenet/layers';
import { lenet5, paramAt } from '@tapenet/zoo';
// vis does not depend on @tapenet/kernels; the script takes the wasm backend from the workspace source so it
// can ask for one thread (the threaded matmul trapped intermittently here, reported to the kernels owner).
import { createWasmBackend } from '../../kernels/src/index.js';
import { expect, it } from 'vitest';
import {
  dream,
  laplacian,
  maximizeActivation,
  misclassified,
  NAMED_FILTERS,
  renderConfusionMatrix,
  renderCurves,
  renderEdgeModes,
  renderFeatureMaps,
  renderFilters,
  renderGrid,
  renderMisclassified,
  encodePng,
  tensorToRaster,
  verticalEdge,
  applyFilter,
  writePngAtomic,
} from '../src/index.js';

const DOCS = join(import.meta.dirname, '..', 'docs');

/** Adam (Kingma & Ba 2015) in a few lines, so this script needs no optimiser package. */
function adam(lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  return <P>(params: P, grads: NoInfer<Grads<P>>, m: P, v: P, t: number) => {
    const m2 = treeMap((mi: Tensor, g: Tensor) => add(mul(mi, b1), mul(g, 1 - b1)), m, grads) as P;
    const v2 = treeMap((vi: Tensor, g: Tensor) => add(mul(vi, b2), mul(mul(g, g), 1 - b2)), v, grads) as P;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    const p2 = treeMap(
      (p: Tensor, mi: Tensor, vi: Tensor) => sub(p, mul(div(mi, add(sqrt(div(vi, c2)), eps)), lr / c1)),
      params,
      m2,
      v2,
    ) as P;
    return { params: p2, m: m2, v: v2 };
  };
}

it('makes the README pictures from a trained LeNet-5', async () => {
  const wasm = createWasmBackend({ threads: 1 });
  setBackend(wasm);
  mkdirSync(DOCS, { recursive: true });
  const write = (name: string, png: Uint8Array) => writePngAtomic(join(DOCS, name), png);
  const all = fromImageDataset(await runOrThrow(loadMnist({ split: 'train' })), MNIST_NORMALIZATION);
  const testSet = fromImageDataset(await runOrThrow(loadMnist({ split: 'test' })), MNIST_NORMALIZATION);
  const [train, validation] = split(all, { count: 2000, stratified: true, key: key(0) });
  const valBatch = batches(validation, { batchSize: 2000 }).at(0);

  const model = lenet5();
  let { params, state } = model.init(key(1), [1, 28, 28]);
  const step = adam(1e-3);
  let m = treeMap((p: Tensor) => mul(p, 0), params);
  let v = treeMap((p: Tensor) => mul(p, 0), params);
  const lossOf = (p: typeof params, x: Tensor, y: Tensor) =>
    softmaxCrossEntropy(model.apply(p, state, x, { train: true }).y, y);
  const curves = {
    trainLoss: [] as number[],
    valLoss: [] as number[],
    trainAcc: [] as number[],
    valAcc: [] as number[],
  };
  let runLoss = 0;
  let runAcc = 0;
  let n = 0;
  let t = 0;
  for (const batch of batches(train, { batchSize: 64, key: key(2), epoch: 0 })) {
    t++;
    const [loss, grads] = valueAndGrad(lossOf)(params, batch.x, batch.y);
    ({ params, m, v } = step(params, grads, m, v, t));
    runLoss += loss.item();
    runAcc += accuracy(model.apply(params, state, batch.x, { train: false }).y, batch.y);
    n++;
    if (t % 100 === 0) {
      const logits = model.apply(params, state, valBatch.x, { train: false }).y;
      curves.trainLoss.push(runLoss / n);
      curves.trainAcc.push(runAcc / n);
      curves.valLoss.push(softmaxCrossEntropy(logits, valBatch.y).item());
      curves.valAcc.push(accuracy(logits, valBatch.y));
      runLoss = runAcc = n = 0;
    }
  }

  // looking inside the model runs the model itself: its last layer gives its output exactly
  const digits = batches(take(testSet, 16), { batchSize: 16 }).at(0);
  expect(forwardTo(model, params, state, digits.x, 'fc3').toArray()).toEqual(
    model.apply(params, state, digits.x, { train: false }).y.toArray(),
  );

  await write(
    'curves-loss.png',
    renderCurves({
      title: 'LeNet-5 loss',
      xLabel: 'steps (x100)',
      yLabel: 'cross-entropy',
      series: [
        { name: 'train', values: curves.trainLoss },
        { name: 'validation', values: curves.valLoss },
      ],
    }),
  );
  await write(
    'curves-accuracy.png',
    renderCurves({
      title: 'LeNet-5 accuracy',
      xLabel: 'steps (x100)',
      yLabel: 'accuracy',
      series: [
        { name: 'train', values: curves.trainAcc },
        { name: 'validation', values: curves.valAcc },
      ],
    }),
  );

  // test set: confusion matrix and misclassified examples
  const logitsAll: Tensor[] = [];
  const labelsAll: Tensor[] = [];
  const imagesAll: Tensor[] = [];
  for (const b of batches(testSet, { batchSize: 1000 })) {
    logitsAll.push(model.apply(params, state, b.x, { train: false }).y);
    labelsAll.push(b.y);
    imagesAll.push(b.x);
  }
  const logits = concat(logitsAll, 0);
  const labels = concat(labelsAll, 0);
  const cm = confusionMatrix(logits, labels, 10).toArray() as number[][];
  await write('confusion.png', renderConfusionMatrix(cm, testSet.classNames));
  const wrong = misclassified(logits, labels, 24);
  const images = concat(imagesAll, 0).data();
  const picked = tensor(
    Float32Array.from(wrong.flatMap((w) => Array.from(images.subarray(w.index * 784, (w.index + 1) * 784)))),
    { shape: [wrong.length, 1, 28, 28] },
  );
  const truth = labels.data();
  await write(
    'misclassified.png',
    renderMisclassified(
      picked,
      wrong.map((w) => truth[w.index]!),
      wrong.map((w) => w.predicted),
      testSet.classNames,
      { columns: 8, title: 'Misclassified' },
    ),
  );

  // weights and feature maps for one digit
  const convWeight = (name: 'conv1' | 'conv2') => paramAt(params, `${name}.weight`);
  const digit = tensor(digits.x.data().subarray(0, 784), { shape: [1, 1, 28, 28] });
  await write('filters-conv1.png', renderFilters(convWeight('conv1'), { scale: 8, columns: 6 }));
  await write('filters-conv2.png', renderFilters(convWeight('conv2'), { scale: 5 }));
  await write(
    'features-conv1.png',
    renderFeatureMaps(forwardTo(model, params, state, digit, 'conv1'), { scale: 3, columns: 6, title: 'conv1' }),
  );
  await write(
    'features-conv2.png',
    renderFeatureMaps(forwardTo(model, params, state, digit, 'conv2'), { scale: 6, columns: 8, title: 'conv2' }),
  );

  // hand-set filters on the digit as ink on paper (so zero padding shows its dark frame)
  const paper = sub(
    1,
    tensor(
      Float32Array.from(digits.x.data().subarray(0, 784), (x) => x * 0.3081 + 0.1307),
      { shape: [1, 1, 28, 28] },
    ),
  );
  await write('edges.png', renderEdgeModes(paper, verticalEdge(), { scale: 4, title: 'Vertical edge (Sobel)' }));
  await write('edges-laplacian.png', renderEdgeModes(paper, laplacian(), { scale: 4, title: 'Laplacian' }));
  const named_ = Object.entries(NAMED_FILTERS).map(([name, k]) => ({
    image: tensorToRaster(applyFilter(paper, k(), { edge: 'extend' })),
    label: name.toUpperCase(),
  }));
  await write(
    'filters-hand-set.png',
    encodePng(renderGrid([{ image: tensorToRaster(paper), label: 'INPUT' }, ...named_], { scale: 3, columns: 7 })),
  );

  // activation maximisation of 8 conv2 channels, and a dream of the digit
  const forward = (x: Tensor) => forwardTo(model, params, state, x, 'relu2');
  const maxed = Array.from({ length: 8 }, (_, c) => {
    const r = maximizeActivation({
      forward,
      channel: c,
      shape: [1, 28, 28],
      key: key(10 + c),
      steps: 96,
      lr: 0.05,
      noise: 1,
    });
    return {
      image: tensorToRaster(r.image),
      label: `${c}: ${r.history[0]!.toFixed(1)}>${r.history.at(-1)!.toFixed(1)}`,
    };
  });
  await write(
    'maximize-conv2.png',
    encodePng(renderGrid(maxed, { scale: 3, columns: 8, title: 'conv2 channels 0-7' })),
  );
  const dreamed = dream({ forward, image: digit, steps: 60, lr: 0.05, key: key(20) });
  await write(
    'dream.png',
    encodePng(
      renderGrid(
        [
          { image: tensorToRaster(digit), label: 'INPUT' },
          { image: tensorToRaster(dreamed.image), label: 'DREAM (RELU2)' },
        ],
        { scale: 4, columns: 2 },
      ),
    ),
  );

  setBackend('reference');
  wasm.destroy();
  console.log(
    `test accuracy ${accuracy(logits, labels).toFixed(4)}; validation curve ${curves.valAcc.map((a) => a.toFixed(3)).join(' ')}`,
  );
});
