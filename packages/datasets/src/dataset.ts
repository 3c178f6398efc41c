/**
 * @file The immutable `Dataset` value: shared pixel and label storage, an index view over it, per-channel
 * normalisation and lazy per-example transforms; plus the pure view functions `shuffle`, `take`, `skip`, `map`.
 *
 * No function here copies pixels: a shuffled, taken or split dataset is a new `indices` array over the same
 * `images` bytes. Pixels become floats only when a batch is materialised (see `batch.ts`).
 */
import { type Key, random } from '@tapenet/autodiff';
import type { Normalization } from './constants.js';

/** Shape of one image: `[channels, height, width]`. */
export type ImageShape = readonly [channels: number, height: number, width: number];

/** One example as a per-example transform sees it: `pixels` is `C x H x W` floats on the 0-255 scale. */
export type Example = {
  readonly pixels: Float32Array;
  readonly label: number;
  /** The storage row the example came from (`Dataset.indices[i]`). */
  readonly index: number;
};

/** A pure per-example transform, applied lazily (when a batch is made), in the order given to {@link map}. */
export type ExampleFn = (example: Example) => { readonly pixels: Float32Array; readonly label: number };

/**
 * An image-classification dataset as an immutable value.
 *
 * `images` and `labels` are the storage (shared by every view made from the same source and never written);
 * example `i` of this dataset is storage row `indices[i]`: pixels
 * `images[indices[i]·C·H·W ...]` and label `labels[indices[i]]`. Batches normalise lazily with
 * `(v / 255 - mean[c]) / std[c]` after applying `transforms` (see `map`).
 */
export type Dataset = {
  /** Storage: `rows x C x H x W` bytes (NCHW), 0-255. */
  readonly images: Uint8Array;
  /** Storage: `rows` class indices, each below `classNames.length`. */
  readonly labels: Uint8Array | Int32Array;
  /** The view: storage row of each example, in order. */
  readonly indices: Int32Array;
  /** Number of examples in the view (`indices.length`). */
  readonly count: number;
  readonly shape: ImageShape;
  readonly classNames: readonly string[];
  readonly normalization: Normalization;
  readonly transforms: readonly ExampleFn[];
};

/** What {@link fromImageDataset} accepts: part 1's `ImageDataset`, or any arrays of that shape. */
export type ImageSource = {
  readonly images: Uint8Array;
  readonly labels: Uint8Array | Int32Array;
  readonly count: number;
  readonly shape: ImageShape;
  readonly classNames: readonly string[];
};

const shapeText = (shape: ImageShape): string => `[${shape.join(', ')}]`;

/** Freezes a dataset value; its arrays are frozen at creation (typed arrays cannot be: nothing here writes them). */
const freeze = (ds: Dataset): Dataset => Object.freeze({ ...ds });

/** A new view of `ds` with `indices` (already holding storage rows). */
export const withIndices = (ds: Dataset, indices: Int32Array): Dataset =>
  freeze({ ...ds, indices, count: indices.length });

/**
 * A {@link Dataset} over the pixels and labels of `source` (shared, not copied), in source order.
 * @param normalization per-channel `mean` and `std` of pixels scaled to [0, 1], one entry per channel
 *   (e.g. `MNIST_NORMALIZATION`); `{ mean: [0], std: [1] }` gives plain `v / 255`.
 * @throws RangeError when the array lengths disagree with `count` and `shape`, a label is out of range,
 *   or the normalisation does not have one positive finite `std` and finite `mean` per channel.
 * @example const train = fromImageDataset(await runOrThrow(loadMnist({ split: 'train' })), MNIST_NORMALIZATION);
 */
export const fromImageDataset = (source: ImageSource, normalization: Normalization): Dataset => {
  const { images, labels, count, shape, classNames } = source;
  const [c, h, w] = shape;
  const fn = 'fromImageDataset';
  if (![c, h, w, count].every((d) => Number.isInteger(d) && d >= 0) || c < 1) {
    throw new RangeError(`${fn}: count ${count} and shape ${shapeText(shape)} must be non-negative integers, C ≥ 1`);
  }
  if (images.length !== count * c * h * w) {
    throw new RangeError(`${fn}: images has ${images.length} bytes, expected ${count} x ${shapeText(shape)}`);
  }
  if (labels.length !== count) throw new RangeError(`${fn}: ${labels.length} labels for ${count} images`);
  const at = labels.findIndex((l) => l < 0 || l >= classNames.length);
  if (at >= 0) {
    throw new RangeError(`${fn}: label ${at} is ${labels[at]}, outside 0-${classNames.length - 1}`);
  }
  const { mean, std } = normalization;
  if (mean.length !== c || std.length !== c) {
    throw new RangeError(`${fn}: normalization has ${mean.length} means and ${std.length} stds for ${c} channels`);
  }
  if (!mean.every(Number.isFinite) || !std.every((s) => Number.isFinite(s) && s > 0)) {
    throw new RangeError(`${fn}: normalization needs finite means and positive finite stds, got ${mean} / ${std}`);
  }
  const indices = Int32Array.from({ length: count }, (_, i) => i);
  return freeze({
    images,
    labels,
    indices,
    count,
    shape: Object.freeze([c, h, w] as const),
    classNames: Object.freeze([...classNames]),
    normalization: Object.freeze({ mean: Object.freeze([...mean]), std: Object.freeze([...std]) }),
    transforms: Object.freeze([]),
  });
};

/** The label of example `i` of the view (before any `map` transform). */
export const labelAt = (ds: Dataset, i: number): number => ds.labels[ds.indices[i]!]!;

/** The labels of the view, in order (a fresh array; before any `map` transform). */
export const labelsOf = (ds: Dataset): Int32Array => Int32Array.from(ds.indices, (row) => ds.labels[row]!);

/**
 * The examples of `ds` in the order of a uniform random permutation drawn from `key` (`random.permutation`):
 * example `i` of the result is example `perm[i]` of `ds`. Only the index view is permuted; pixels are shared.
 * @example shuffle(ds, key(0)).indices // a permutation of ds.indices
 */
export const shuffle = (ds: Dataset, key: Key): Dataset => {
  const perm = random.permutation(key, ds.count).data();
  return withIndices(
    ds,
    Int32Array.from(perm, (p) => ds.indices[p]!),
  );
};

const checkCount = (fn: string, n: number): void => {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${fn}: n must be a non-negative integer, got ${n}`);
};

/** The first `min(n, count)` examples of `ds` (a view sharing the index memory). */
export const take = (ds: Dataset, n: number): Dataset => {
  checkCount('take', n);
  return withIndices(ds, ds.indices.subarray(0, Math.min(n, ds.count)));
};

/** All but the first `n` examples of `ds` (a view sharing the index memory). */
export const skip = (ds: Dataset, n: number): Dataset => {
  checkCount('skip', n);
  return withIndices(ds, ds.indices.subarray(Math.min(n, ds.count)));
};

/**
 * Adds a per-example transform, applied lazily when batches are made: after the previous `map` transforms,
 * before augmentation and normalisation. `fn` receives `C x H x W` pixels on the 0-255 scale (a fresh array
 * it may keep) and must return pixels of the same length and an integer label below `classNames.length`.
 * Keep `fn` pure: batches are only reproducible if it is. Batch-level random transforms belong in `augment`.
 * @example map(ds, ({ pixels, label }) => ({ pixels: pixels.map((v) => 255 - v), label })) // inverted images
 */
export const map = (ds: Dataset, fn: ExampleFn): Dataset =>
  freeze({ ...ds, transforms: Object.freeze([...ds.transforms, fn]) });
