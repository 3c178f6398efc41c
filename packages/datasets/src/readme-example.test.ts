/** @file The README's pipeline example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { key } from '@tapenet/autodiff';
import {
  augment,
  batches,
  fromImageDataset,
  loadMnist,
  MNIST_NORMALIZATION,
  runOrThrow,
  split,
  take,
} from './index.js';

const mnist = fromImageDataset(await runOrThrow(loadMnist({ split: 'train' })), MNIST_NORMALIZATION);
const [train, validation] = split(mnist, { count: 5000, stratified: true, key: key(0) }); // 55,000 / 5,000
const aug = augment({ rotate: 10, scale: [0.9, 1.1], translate: 2 }); // or { crop: { padding: 4 }, flip: true }

let seen = 0;
for (let epoch = 0; epoch < 2; epoch++) {
  // epoch e shuffles and augments with foldIn(key(1), e); batch i+1 is prepared while you await work on batch i
  for await (const batch of batches(take(train, 1000), { batchSize: 64, key: key(1), epoch, augment: aug })) {
    // batch.x: float32 [64, 1, 28, 28], (v / 255 - 0.1307) / 0.3081; batch.y: int32 [64] (the last batch has 40)
    seen += batch.y.shape[0]!;
  }
}
const val = batches(validation, { batchSize: 500 }); // no key: fixed order, no augmentation
const first = val.at(0); // first.x: [500, 1, 28, 28]; val.length === 10
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  expect([train.count, validation.count]).toEqual([55_000, 5_000]);
  expect(seen).toBe(2000);
  expect(first.x.shape).toEqual([500, 1, 28, 28]);
  expect(val.length).toBe(10);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const code = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/datasets'");
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(code);
});
