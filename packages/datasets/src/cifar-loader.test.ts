/** @file CIFAR-10 loader on small batch files written by the test in the exact binary format. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_IMAGE_BYTES, serializeCifar10 } from './cifar.js';
import { CIFAR10_FILES, loadCifar10 } from './cifar-loader.js';
import { CIFAR10_CLASS_NAMES } from './constants.js';
import type { DatasetError } from './errors.js';
import type { ImageDataset } from './idx-loader.js';

/** Batch `b` holds two images; image k of batch b is filled with the byte 10·b + k and labelled (b + k) mod 10. */
const batch = (b: number): Uint8Array => {
  const images = new Uint8Array(2 * CIFAR_IMAGE_BYTES);
  images.fill(10 * b, 0, CIFAR_IMAGE_BYTES);
  images.fill(10 * b + 1, CIFAR_IMAGE_BYTES);
  return serializeCifar10({ images, labels: new Uint8Array([b % 10, (b + 1) % 10]) });
};

const right = (r: E.Either<DatasetError, ImageDataset>): ImageDataset => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left.message}`);
  return r.right;
};
const left = (r: E.Either<DatasetError, ImageDataset>): DatasetError => {
  if (E.isRight(r)) throw new Error('expected Left');
  return r.left;
};

describe('loadCifar10', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tapenet-cifar-'));
    const extracted = join(root, 'cifar-10-batches-bin');
    await mkdir(extracted);
    for (const [i, name] of CIFAR10_FILES.train.entries()) await writeFile(join(extracted, name), batch(i + 1));
    await writeFile(join(extracted, 'test_batch.bin'), batch(7));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('concatenates data_batch_1..5 in order as N x 3 x 32 x 32', async () => {
    const train = right(await loadCifar10(join(root, 'cifar-10-batches-bin'), { split: 'train' })());
    expect(train.count).toBe(10);
    expect(train.shape).toEqual([3, 32, 32]);
    expect(train.images.length).toBe(10 * 3 * 32 * 32);
    expect(Array.from(train.labels)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    const firstPixel = Array.from({ length: 10 }, (_, n) => train.images[n * CIFAR_IMAGE_BYTES]);
    expect(firstPixel).toEqual([10, 11, 20, 21, 30, 31, 40, 41, 50, 51]);
    expect(train.images[10 * CIFAR_IMAGE_BYTES - 1]).toBe(51);
    expect(train.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(train.classNames[9]).toBe('truck');
  });

  it('finds the extracted cifar-10-batches-bin folder inside the given one', async () => {
    const test = right(await loadCifar10(root, { split: 'test' })());
    expect(test.count).toBe(2);
    expect(Array.from(test.labels)).toEqual([7, 8]);
  });

  it('says which files are missing and how to get them', async () => {
    const missing = left(await loadCifar10(join(root, 'nowhere'), { split: 'train' })());
    expect(missing.kind).toBe('missing-file');
    expect(missing.file).toBe(join(root, 'nowhere'));
    expect(missing.message).toContain('does not exist (expected data_batch_1.bin, data_batch_2.bin');
    expect(missing.message).toContain('CIFAR-10 binary version');
    expect(missing.message).toContain('University of Toronto');
    const partial = await mkdtemp(join(tmpdir(), 'tapenet-cifar-partial-'));
    await writeFile(join(partial, 'data_batch_1.bin'), batch(1));
    await writeFile(join(partial, 'data_batch_3.bin'), batch(3));
    const some = left(await loadCifar10(partial, { split: 'train' })());
    expect(some.message).toContain('is missing data_batch_2.bin, data_batch_4.bin, data_batch_5.bin.');
    await rm(partial, { recursive: true });
  });

  it('names the corrupted batch file and record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapenet-cifar-bad-'));
    const bad = batch(1);
    bad[3073] = 42;
    await writeFile(join(dir, 'test_batch.bin'), bad);
    const err = left(await loadCifar10(dir, { split: 'test' })());
    expect(err.kind).toBe('label-out-of-range');
    expect(err.message).toBe(
      `${join(dir, 'test_batch.bin')}: record 1 (byte offset 3073) has class label 42, expected 0-9`,
    );
    await rm(dir, { recursive: true });
  });
});
