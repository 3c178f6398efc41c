/**
 * @file Materialising batches of a `Dataset` (gather, per-example transforms, augmentation, normalisation,
 * then tensors) and iterating an epoch of batches, synchronously or with a one-batch asynchronous prefetch.
 *
 * Keys: epoch `e` of `batches(ds, { key: k, epoch: e })` uses `ek = foldIn(k, e)`; the epoch's order is
 * `random.permutation(foldIn(ek, 0), count)` and batch `i` is augmented with `foldIn(foldIn(ek, 1), i)`.
 */
import { foldIn, type Key, random, type Tensor, tensor } from '@tapenet/autodiff';
import type { Augment } from './augment.js';
import type { Normalization } from './constants.js';
import type { Dataset } from './dataset.js';
import type { PixelBatch } from './warp.js';

/** A batch ready for a model. */
export type Batch = {
  /** float32 `[B, C, H, W]`, normalised: `(v / 255 - mean[c]) / std[c]`. */
  readonly x: Tensor;
  /** int32 `[B]` class indices. */
  readonly y: Tensor;
  /** Storage rows of the examples (`Dataset.indices` entries), to trace a prediction back to its image. */
  readonly indices: Int32Array;
};

/**
 * Raw pixels of examples `positions` of `ds` (positions in the view), after the `map` transforms:
 * `[B, C, H, W]` floats on the 0-255 scale, with their labels and storage rows.
 */
export const gatherPixels = (
  ds: Dataset,
  positions: ArrayLike<number>,
): { readonly pixels: PixelBatch<Float32Array>; readonly labels: Int32Array; readonly indices: Int32Array } => {
  const [c, h, w] = ds.shape;
  const size = c * h * w;
  const b = positions.length;
  const data = new Float32Array(b * size);
  const labels = new Int32Array(b);
  const indices = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const p = positions[i]!;
    if (!(Number.isInteger(p) && p >= 0 && p < ds.count)) {
      throw new RangeError(`gatherPixels: position ${p} is outside the dataset's 0-${ds.count - 1}`);
    }
    const row = ds.indices[p]!;
    indices[i] = row;
    labels[i] = ds.labels[row]!;
    data.set(ds.images.subarray(row * size, (row + 1) * size), i * size);
    for (const fn of ds.transforms) {
      const ex = fn({ pixels: data.slice(i * size, (i + 1) * size), label: labels[i]!, index: row });
      if (
        ex.pixels.length !== size ||
        !Number.isInteger(ex.label) ||
        ex.label < 0 ||
        ex.label >= ds.classNames.length
      ) {
        throw new RangeError(
          `map: a transform returned ${ex.pixels.length} pixels (expected ${size}) and label ${ex.label} (expected 0-${ds.classNames.length - 1})`,
        );
      }
      data.set(ex.pixels, i * size);
      labels[i] = ex.label;
    }
  }
  return { pixels: { data, shape: [b, c, h, w] }, labels, indices };
};

/** Normalises pixels on the 0-255 scale per channel: `(v / 255 - mean[c]) / std[c]`, as a new array. */
export const normalizePixels = (pixels: PixelBatch, normalization: Normalization): Float32Array => {
  const [n, c, h, w] = pixels.shape;
  const plane = h * w;
  const out = new Float32Array(n * c * plane);
  const scale = normalization.std.map((s) => 1 / (255 * s));
  const shift = normalization.mean.map((m, ch) => m / normalization.std[ch]!);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const a = scale[ch]!;
      const b = shift[ch]!;
      const start = (i * c + ch) * plane;
      for (let j = start; j < start + plane; j++) out[j] = pixels.data[j]! * a - b;
    }
  }
  return out;
};

/** The batch with no transforms and no augmentation: normalised straight from the stored bytes (one pass). */
const plainBatch = (ds: Dataset, positions: ArrayLike<number>): Batch => {
  const [c, h, w] = ds.shape;
  const plane = h * w;
  const b = positions.length;
  const x = new Float32Array(b * c * plane);
  const labels = new Int32Array(b);
  const indices = new Int32Array(b);
  const { mean, std } = ds.normalization;
  for (let i = 0; i < b; i++) {
    const p = positions[i]!;
    if (!(Number.isInteger(p) && p >= 0 && p < ds.count)) {
      throw new RangeError(`materialize: position ${p} is outside the dataset's 0-${ds.count - 1}`);
    }
    const row = ds.indices[p]!;
    indices[i] = row;
    labels[i] = ds.labels[row]!;
    for (let ch = 0; ch < c; ch++) {
      const scale = 1 / (255 * std[ch]!);
      const shift = mean[ch]! / std[ch]!;
      const from = (row * c + ch) * plane;
      const to = (i * c + ch) * plane;
      for (let j = 0; j < plane; j++) x[to + j] = ds.images[from + j]! * scale - shift;
    }
  }
  return toBatch(x, [b, c, h, w], labels, indices);
};

const toBatch = (x: Float32Array, shape: readonly number[], labels: Int32Array, indices: Int32Array): Batch => ({
  x: tensor(x, { shape, dtype: 'float32' }),
  y: tensor(labels, { shape: [labels.length], dtype: 'int32' }),
  indices,
});

/** Options of {@link materialize}: augmentation needs its key. */
export type MaterializeOptions = { readonly augment?: Augment; readonly key?: Key };

/**
 * The batch of examples `positions` of `ds`: gather, `map` transforms, augmentation (with `options.key`),
 * normalisation, then tensors.
 * @throws RangeError for a position outside the view, or `augment` without `key`.
 */
export const materialize = (ds: Dataset, positions: ArrayLike<number>, options: MaterializeOptions = {}): Batch => {
  if (options.augment === undefined && ds.transforms.length === 0) return plainBatch(ds, positions);
  const { pixels, labels, indices } = gatherPixels(ds, positions);
  let px = pixels;
  if (options.augment !== undefined) {
    if (options.key === undefined) throw new RangeError('materialize: augment needs a key');
    px = options.augment(px, options.key);
  }
  return toBatch(normalizePixels(px, ds.normalization), px.shape, labels, indices);
};

/** Options of {@link batches}. */
export type BatchOptions = {
  /** Examples per batch, a positive integer. */
  readonly batchSize: number;
  /** Leave out the last, smaller batch (default false). */
  readonly dropRemainder?: boolean;
  /** Shuffles every epoch (with `foldIn(key, epoch)`) and keys augmentation; without it, order is the view's. */
  readonly key?: Key;
  /** Epoch number `e` (default 0): selects the epoch key `foldIn(key, e)`. */
  readonly epoch?: number;
  /** Whether to shuffle when `key` is given (default true); false keeps the view's order. */
  readonly shuffle?: boolean;
  /** Batch augmentation (needs `key`). */
  readonly augment?: Augment;
};

/**
 * One epoch of batches, re-iterable and pure: iterating twice gives the same batches. Iterate with
 * `for ... of` (each batch made on demand) or `for await ... of` (batch `i + 1` is prepared in a macrotask
 * while the consumer awaits its work on batch `i`). `at(i)` makes batch `i` directly.
 */
export type BatchStream = Iterable<Batch> &
  AsyncIterable<Batch> & {
    /** Number of batches in the epoch. */
    readonly length: number;
    /** Batch `i` of the epoch, `0 <= i < length`. */
    readonly at: (i: number) => Batch;
  };

/** Runs `fn` in a later macrotask (`setImmediate`, or `setTimeout(0)` where there is none). */
const later = <A>(fn: () => A): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const run = (): void => {
      try {
        resolve(fn());
      } catch (e) {
        reject(e);
      }
    };
    if (typeof setImmediate === 'function') setImmediate(run);
    else setTimeout(run, 0);
  });

/**
 * Batches of one epoch of `ds` (see the file comment for how keys are derived).
 * @throws RangeError for a bad `batchSize`/`epoch`, or `augment` without `key`.
 * @example
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for await (const { x, y } of batches(train, { batchSize: 64, key: key(0), epoch, augment: aug })) step(x, y);
 * }
 */
export const batches = (ds: Dataset, options: BatchOptions): BatchStream => {
  const { batchSize, dropRemainder = false, key, epoch = 0, shuffle = true, augment } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(epoch) || epoch < 0 || epoch >= 2 ** 32) {
    throw new RangeError(`batches: epoch must be an integer in [0, 2^32), got ${epoch}`);
  }
  if (augment !== undefined && key === undefined) throw new RangeError('batches: augment needs a key');
  const epochKey = key === undefined ? undefined : foldIn(key, epoch);
  const order =
    epochKey !== undefined && shuffle
      ? random.permutation(foldIn(epochKey, 0), ds.count).data()
      : Int32Array.from({ length: ds.count }, (_, i) => i);
  const augmentKey = epochKey === undefined ? undefined : foldIn(epochKey, 1);
  const length = dropRemainder ? Math.floor(ds.count / batchSize) : Math.ceil(ds.count / batchSize);
  const at = (i: number): Batch => {
    if (!(Number.isInteger(i) && i >= 0 && i < length)) {
      throw new RangeError(`batches: batch ${i} is outside 0-${length - 1}`);
    }
    const positions = order.subarray(i * batchSize, Math.min(ds.count, (i + 1) * batchSize));
    if (augment === undefined || augmentKey === undefined) return materialize(ds, positions);
    return materialize(ds, positions, { augment, key: foldIn(augmentKey, i) });
  };
  return {
    length,
    at,
    *[Symbol.iterator]() {
      for (let i = 0; i < length; i++) yield at(i);
    },
    async *[Symbol.asyncIterator]() {
      const prepare = (i: number): Promise<Batch> => {
        const p = later(() => at(i));
        p.catch(() => undefined); // the failure is reported when awaited, not as an unhandled rejection
        return p;
      };
      let next = length > 0 ? prepare(0) : undefined;
      for (let i = 0; i < length && next !== undefined; i++) {
        const batch = await next;
        next = i + 1 < length ? prepare(i + 1) : undefined;
        yield batch;
      }
    },
  };
};
