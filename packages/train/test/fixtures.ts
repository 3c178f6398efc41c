/** @file Small datasets and models for the training tests: fast, and learnable in a few epochs. */
import { key, random } from '@tapenet/autodiff';
import { type Dataset, fromImageDataset } from '@tapenet/datasets';
import { batchNorm, conv2d, dense, dropout, flatten, relu, serial } from '@tapenet/layers';

/**
 * `count` 1x4x4 images of `classes` classes: class c lights up row c (plus noise), so a small model
 * separates them. Deterministic in `seed`.
 */
export function tinyDataset(count: number, seed: number, classes = 3): Dataset {
  const noise = random.uniform(key(seed), [count * 16], 0, 90).data();
  const images = new Uint8Array(count * 16);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = (i * 7 + seed) % classes;
    labels[i] = c;
    for (let j = 0; j < 16; j++) {
      const bright = Math.floor(j / 4) === c % 4 ? 150 : 0;
      images[i * 16 + j] = Math.min(255, bright + Math.floor(noise[i * 16 + j]!));
    }
  }
  const classNames = Array.from({ length: classes }, (_, c) => `class${c}`);
  return fromImageDataset({ images, labels, count, shape: [1, 4, 4], classNames }, { mean: [0.2], std: [0.3] });
}

/** An MLP with dropout: exercises the per-batch dropout keys. */
export const tinyMlp = (classes = 3) => serial(flatten, dense(12), relu, dropout(0.2), dense(classes));

/** A conv net with batch norm: exercises model state (running statistics) in checkpoints. */
export const tinyConv = (classes = 3) =>
  serial(conv2d({ out: 3, kernel: 3, padding: 1 }), batchNorm(), relu, flatten, dense(classes));
