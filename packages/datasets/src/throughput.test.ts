/**
 * @file Measures batching throughput on real MNIST and prints it (no timing assertions: speed is reported,
 * not gated; the brief's target is well above 20,000 images/s for plain batches of 64).
 */
import { key } from '@tapenet/autodiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { augment } from './augment.js';
import { batches } from './batch.js';
import { MNIST_NORMALIZATION } from './constants.js';
import { type Dataset, fromImageDataset, take } from './dataset.js';
import { runOrThrow } from './errors.js';
import { loadMnist } from './mnist.js';

/** Runs one epoch and returns images per second. */
const imagesPerSecond = (ds: Dataset, options: Parameters<typeof batches>[1]): { rate: number; seen: number } => {
  const t0 = performance.now();
  let seen = 0;
  for (const { x } of batches(ds, options)) seen += x.shape[0]!;
  return { rate: (seen / (performance.now() - t0)) * 1000, seen };
};

describe('batching throughput on MNIST (printed, not asserted)', () => {
  let train: Dataset;
  beforeAll(async () => {
    train = fromImageDataset(await runOrThrow(loadMnist({ split: 'train' })), MNIST_NORMALIZATION);
  });

  it('shuffles, gathers and normalises batches of 64', () => {
    const { rate, seen } = imagesPerSecond(take(train, 20_000), { batchSize: 64, key: key(0) });
    console.info(`plain batches of 64: ${Math.round(rate).toLocaleString('en')} images/s`);
    expect(seen).toBe(20_000);
  });

  it('with crop + flip, and with rotate + scale + translate', () => {
    const cropFlip = augment({ crop: { padding: 4 }, flip: true });
    const affine = augment({ rotate: 10, scale: [0.9, 1.1], translate: 2 });
    for (const [name, aug] of [
      ['crop+flip', cropFlip],
      ['rotate+scale+translate', affine],
    ] as const) {
      const { rate, seen } = imagesPerSecond(take(train, 5_000), { batchSize: 64, key: key(0), augment: aug });
      console.info(`batches of 64 with ${name}: ${Math.round(rate).toLocaleString('en')} images/s`);
      expect(seen).toBe(5_000);
    }
  });
});
