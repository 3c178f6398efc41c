/** @file Loading IDX image/label pairs from a folder: defaults, gzip, explicit names and every mismatch. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetError } from './errors.js';
import { readMaybeGzip, writeFileAtomic } from './fs-io.js';
import { serializeIdx } from './idx.js';
import { type ImageDataset, loadIdxDirectory, type LoadIdxDirectoryOptions } from './idx-loader.js';

const images = (n: number, h: number, w: number) =>
  serializeIdx({ type: 'ubyte', shape: [n, h, w], data: Uint8Array.from({ length: n * h * w }, (_, i) => i % 256) });
const labels = (values: readonly number[]) =>
  serializeIdx({ type: 'ubyte', shape: [values.length], data: Uint8Array.from(values) });

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

const folder = async (files: Record<string, Uint8Array>): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'tapenet-idx-'));
  made.push(dir);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return dir;
};
const load = async (dir: string, options: LoadIdxDirectoryOptions): Promise<E.Either<DatasetError, ImageDataset>> =>
  loadIdxDirectory(dir, options)();
const right = (r: E.Either<DatasetError, ImageDataset>): ImageDataset => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left.message}`);
  return r.right;
};
const left = (r: E.Either<DatasetError, ImageDataset>): DatasetError => {
  if (E.isRight(r)) throw new Error('expected Left');
  return r.left;
};

describe('loadIdxDirectory', () => {
  it('loads the default MNIST names, plain for train and gzip for test', async () => {
    const dir = await folder({
      'train-images-idx3-ubyte': images(3, 2, 4),
      'train-labels-idx1-ubyte': labels([2, 0, 1]),
      't10k-images-idx3-ubyte.gz': gzipSync(images(2, 2, 4)),
      't10k-labels-idx1-ubyte.gz': gzipSync(labels([1, 1])),
    });
    const train = right(await load(dir, { split: 'train' }));
    expect(train.count).toBe(3);
    expect(train.shape).toEqual([1, 2, 4]);
    expect(Array.from(train.labels)).toEqual([2, 0, 1]);
    expect(train.classNames).toEqual(['0', '1', '2']);
    expect(train.images[9]).toBe(9);
    const test = right(await load(dir, { split: 'test', classNames: ['a', 'b'] }));
    expect(test.count).toBe(2);
    expect(test.classNames).toEqual(['a', 'b']);
    expect(Array.from(test.images.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  it('uses explicit file names exactly (EMNIST style)', async () => {
    const dir = await folder({
      'emnist-digits-train-images-idx3-ubyte.gz': gzipSync(images(1, 3, 3)),
      'emnist-digits-train-labels-idx1-ubyte.gz': gzipSync(labels([4])),
    });
    const files = {
      trainImages: 'emnist-digits-train-images-idx3-ubyte.gz',
      trainLabels: 'emnist-digits-train-labels-idx1-ubyte.gz',
    };
    expect(right(await load(dir, { split: 'train', files })).labels[0]).toBe(4);
    const err = left(await load(dir, { split: 'test', files }));
    expect(err.kind).toBe('missing-file');
    expect(err.message).toContain(
      'no test images file: looked for t10k-images-idx3-ubyte and t10k-images-idx3-ubyte.gz',
    );
  });

  it('reports count, dims, type and label mismatches naming the files', async () => {
    const dir = await folder({
      'train-images-idx3-ubyte': images(3, 2, 2),
      'train-labels-idx1-ubyte': labels([0, 1]),
      't10k-images-idx3-ubyte': images(2, 2, 2),
      't10k-labels-idx1-ubyte': labels([0, 7]),
    });
    const count = left(await load(dir, { split: 'train' }));
    expect(count.kind).toBe('count-mismatch');
    expect(count.message).toBe(
      `${join(dir, 'train-images-idx3-ubyte')}: has 3 images but ${join(dir, 'train-labels-idx1-ubyte')} has 2 labels`,
    );
    const range = left(await load(dir, { split: 'test', classNames: ['a', 'b', 'c'] }));
    expect(range.kind).toBe('label-out-of-range');
    expect(range.message).toContain('label 1 is 7, but there are 3 classes (0-2)');
    const size = left(await load(dir, { split: 'test', imageSize: [28, 28] }));
    expect(size.message).toContain('has 2x2 images, expected 28x28');
    expect(left(await load(dir, { split: 'test', count: 5 })).message).toContain('has 2 images, expected 5');
    const rank = await folder({ 'train-images-idx3-ubyte': labels([1]), 'train-labels-idx1-ubyte': labels([1]) });
    expect(left(await load(rank, { split: 'train' })).message).toContain(
      'has dimensions [1], expected [N, height, width]',
    );
    const wide = await folder({
      'train-images-idx3-ubyte': serializeIdx({ type: 'short', shape: [1, 1, 1], data: new Int16Array(1) }),
      'train-labels-idx1-ubyte': labels([0]),
    });
    expect(left(await load(wide, { split: 'train' })).kind).toBe('bad-type');
  });

  it('passes parse errors through with the file name', async () => {
    const dir = await folder({
      'train-images-idx3-ubyte': images(1, 2, 2).subarray(0, 18),
      'train-labels-idx1-ubyte': labels([0]),
    });
    const err = left(await load(dir, { split: 'train' }));
    expect(err.kind).toBe('truncated');
    expect(err.file).toBe(join(dir, 'train-images-idx3-ubyte'));
  });
});

describe('file helpers', () => {
  it('caps gzip inflation and reports bad gzip', async () => {
    const dir = await folder({ 'bomb.gz': gzipSync(new Uint8Array(1_000_000)), 'bad.gz': new Uint8Array([1, 2, 3]) });
    const bomb = await readMaybeGzip(join(dir, 'bomb.gz'), 1000)();
    expect(E.isLeft(bomb) && bomb.left.kind).toBe('decompress');
    const bad = await readMaybeGzip(join(dir, 'bad.gz'))();
    expect(E.isLeft(bad) && bad.left.message).toContain('bad.gz: is not valid gzip');
  });

  it('writes atomically, replacing the old file and leaving no temporary files', async () => {
    const dir = await folder({ 'a.bin': new Uint8Array([9]) });
    const target = join(dir, 'sub', 'a.bin');
    await mkdir(join(dir, 'sub'));
    expect(E.isRight(await writeFileAtomic(target, new Uint8Array([1, 2]))())).toBe(true);
    expect(E.isRight(await writeFileAtomic(target, new Uint8Array([3]))())).toBe(true);
    expect(await readdir(join(dir, 'sub'))).toEqual(['a.bin']);
    const back = await readMaybeGzip(target)();
    expect(E.isRight(back) && Array.from(back.right)).toEqual([3]);
    const blocked = await writeFileAtomic(join(dir, 'a.bin', 'x'), new Uint8Array(1))();
    expect(E.isLeft(blocked) && blocked.left.kind).toBe('io');
  });
});
