/**
 * @file Bounded reads: a dataset file larger than its format allows is refused before it is read, and a
 * gzip file inflates no further than the size the loader expects (MNIST's training images: exactly
 * 47,040,016 bytes), one file at a time.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { CIFAR10_BATCH_BYTES, loadCifar10 } from './cifar-loader.js';
import { loadMnist } from './mnist.js';

const dir = () => mkdtempSync(join(tmpdir(), 'tapenet-bounds-'));
const messageOf = async <A>(task: () => Promise<E.Either<{ message: string }, A>>): Promise<string> => {
  const r = await task();
  if (E.isRight(r)) throw new Error('expected a refusal');
  return r.left.message;
};

describe('bounded dataset reads', () => {
  it('a gzip bomb in --data-dir inflates no further than the 47,040,016 bytes of MNIST training images', async () => {
    const d = dir();
    // 256 MiB of zeros in a 256 KB gzip file: the old cap let it inflate to the 2 GiB IDX limit.
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.alloc(256 << 20), { level: 1 }));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), Buffer.alloc(8 + 60_000));
    const before = process.memoryUsage().arrayBuffers;
    const message = await messageOf(loadMnist({ split: 'train', dir: d }));
    expect(message).toContain('train-images-idx3-ubyte.gz');
    expect(message).toContain('inflates past 47040016 bytes');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(200 << 20);
  });

  it('a plain MNIST file larger than its exact size is refused before it is read', async () => {
    const d = dir();
    const images = join(d, 't10k-images-idx3-ubyte');
    writeFileSync(images, Buffer.alloc(0));
    truncateSync(images, 4 * 2 ** 30); // a sparse 4 GiB file: reading it would fail or exhaust memory
    writeFileSync(join(d, 't10k-labels-idx1-ubyte'), Buffer.alloc(8 + 10_000));
    const message = await messageOf(loadMnist({ split: 'test', dir: d }));
    expect(message).toContain(`is ${4 * 2 ** 30} bytes, more than the 7840016 this file can hold`);
  });

  it('a CIFAR-10 batch larger than 10,000 records is refused before it is read', async () => {
    const d = dir();
    const batch = join(d, 'test_batch.bin');
    writeFileSync(batch, Buffer.alloc(0));
    truncateSync(batch, CIFAR10_BATCH_BYTES + 3073);
    const message = await messageOf(loadCifar10(d, { split: 'test' }));
    expect(message).toContain(`is ${CIFAR10_BATCH_BYTES + 3073} bytes, more than the ${CIFAR10_BATCH_BYTES}`);
  });
});
