/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key } from '@tapenet/autodiff';
import { fromImageDataset, loadMnist, MNIST_NORMALIZATION, runOrThrow, split, take } from '@tapenet/datasets';
import { conv2d, dense, flatten, maxPool2d, relu, serial } from '@tapenet/layers';
import { adam, cosineDecaySchedule } from '@tapenet/optim';
import { evaluate, fit, loadCheckpointOrThrow } from './index.js';

const mnist = fromImageDataset(await runOrThrow(loadMnist({ split: 'train' })), MNIST_NORMALIZATION);
const [train, validation] = split(take(mnist, 3000), { count: 500, stratified: true, key: key(0) });
const model = serial(conv2d({ out: 8, kernel: 3, padding: 1 }), relu, maxPool2d(2), flatten, dense(10));
const runDir = mkdtempSync(join(tmpdir(), 'run-'));

const result = await fit({
  model,
  optimizer: (lr) => adam({ lr }),
  schedule: ({ totalSteps }) => cosineDecaySchedule({ init: 3e-3, totalSteps }),
  train,
  validation,
  epochs: 4,
  batchSize: 50,
  key: key(1), // init: foldIn(key, 0), data order: foldIn(key, 1), dropout: foldIn(key, 2)
  checkpoint: { dir: runDir, model: { name: 'small-cnn', config: {} } }, // best.safetensors, last.safetensors
  callbacks: { onEpochEnd: (r) => console.log(`epoch ${r.epoch}: val acc ${r.validation?.accuracy}`) },
});
console.log(result.best); // { epoch: 4, monitor: 'val_accuracy', value: 0.9... }

const init = model.init(key(0), [1, 28, 28]); // a template: names, dtypes and shapes to check the file against
const best = await loadCheckpointOrThrow(join(runDir, 'best.safetensors'), init);
const { accuracy } = await evaluate({ model, params: best.params, state: best.state, data: validation });
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  expect(result.stopped).toBe('completed');
  expect(result.history).toHaveLength(4);
  expect(accuracy).toBeGreaterThan(0.9);
  expect(accuracy).toBe(result.best!.value);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const code = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/train'");
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(code);
});
