/** @file Fashion-MNIST from the `fashion-mnist` package: counts, classes, statistics and the IDX cache. */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_NORMALIZATION } from './constants.js';
import { runOrThrow } from './errors.js';
import { type FashionMnistDataset, loadFashionMnist } from './fashion-mnist.js';
import { MNIST_FILE_NAMES } from './idx-loader.js';
import { computePixelStats } from './stats.js';

describe('loadFashionMnist', () => {
  let cacheDir = '';
  let first: FashionMnistDataset;
  let buildMs = 0;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'tapenet-fashion-'));
    const t0 = performance.now();
    first = await runOrThrow(loadFashionMnist({ split: 'train', cacheDir }));
    buildMs = performance.now() - t0;
  });
  afterAll(() => rm(cacheDir, { recursive: true, force: true }));

  it('builds 60,000 training images of 1x28x28 in 10 classes, round-robin', () => {
    console.info(`Fashion-MNIST conversion (JSON -> IDX cache) took ${buildMs.toFixed(0)} ms`);
    expect(first.cache.hit).toBe(false);
    expect(first.count).toBe(60_000);
    expect(first.shape).toEqual([1, 28, 28]);
    expect(first.images.length).toBe(60_000 * 784);
    expect(first.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    expect(first.classNames).toHaveLength(10);
    expect(Array.from(first.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const perClass = new Array<number>(10).fill(0);
    for (const l of first.labels) perClass[l] = (perClass[l] ?? 0) + 1;
    expect(perClass).toEqual(new Array(10).fill(6000));
  });

  it('matches the published training statistics to 3 decimals', () => {
    const stats = computePixelStats(first);
    expect([stats.min, stats.max]).toEqual([[0], [255]]);
    expect(stats.mean[0]).toBeCloseTo(FASHION_MNIST_NORMALIZATION.mean[0]!, 3);
    expect(stats.std[0]).toBeCloseTo(FASHION_MNIST_NORMALIZATION.std[0]!, 3);
  });

  it('writes four IDX files atomically (no temporary files left)', async () => {
    const files = await readdir(first.cache.dir);
    expect(files.sort()).toEqual(Object.values(MNIST_FILE_NAMES).sort());
    expect(first.cache.dir.startsWith(cacheDir)).toBe(true);
    expect(first.cache.dir).toMatch(/fashion-mnist-1\.1\.0$/);
  });

  it('reads the cache on the next load, with identical bytes', async () => {
    const imagesFile = join(first.cache.dir, MNIST_FILE_NAMES.trainImages);
    const before = (await stat(imagesFile)).mtimeMs;
    const t0 = performance.now();
    const again = await runOrThrow(loadFashionMnist({ split: 'train', cacheDir }));
    console.info(`Fashion-MNIST train from the cache took ${(performance.now() - t0).toFixed(0)} ms`);
    expect(again.cache.hit).toBe(true);
    expect(Buffer.compare(again.images, first.images)).toBe(0);
    expect(Buffer.compare(again.labels, first.labels)).toBe(0);
    expect((await stat(imagesFile)).mtimeMs).toBe(before);
  });

  it('loads the 10,000 test images from the cache built for train', async () => {
    const test = await runOrThrow(loadFashionMnist({ split: 'test', cacheDir }));
    expect(test.cache.hit).toBe(true);
    expect(test.count).toBe(10_000);
    expect(test.images.length).toBe(10_000 * 784);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rebuilds a corrupted cache file', async () => {
    const labelsFile = join(first.cache.dir, MNIST_FILE_NAMES.testLabels);
    const bad = new Uint8Array(8 + 10_000);
    bad.set([0, 0, 8, 1, 0, 0, 0x27, 0x10]); // a valid header for 10,000 labels ...
    bad[8 + 5] = 200; // ... with one label out of range
    await writeFile(labelsFile, bad);
    const rebuilt = await runOrThrow(loadFashionMnist({ split: 'test', cacheDir }));
    expect(rebuilt.cache.hit).toBe(false);
    expect(rebuilt.labels[5]).toBe(5);
    const fixed = await runOrThrow(loadFashionMnist({ split: 'test', cacheDir }));
    expect(fixed.cache.hit).toBe(true);
    expect(fixed.labels[5]).toBe(5);
    const train = await runOrThrow(loadFashionMnist({ split: 'train', cacheDir }));
    expect(train.cache.hit).toBe(true);
    expect(Buffer.compare(train.images, first.images)).toBe(0);
  });
});
