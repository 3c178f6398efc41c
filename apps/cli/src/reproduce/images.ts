/**
 * @file Image data for the reproductions: MNIST by split, test sets shifted by whole pixels (the
 * translation experiment), MNIST padded to LeNet-5's 32x32 frame, and reduced training sets.
 */
import type { Key } from '@tapenet/autodiff';
import {
  type Dataset,
  fromImageDataset,
  labelsOf,
  map,
  type Normalization,
  shiftImages,
  split,
  take,
} from '@tapenet/datasets';
import { loadSplit } from '../data.js';

/** The MNIST training and test splits (normalised as `MNIST_NORMALIZATION`), the test one cut to `testSize`. */
export async function mnist(testSize: number): Promise<{ train: Dataset; test: Dataset }> {
  const train = await loadSplit('mnist', 'train', undefined);
  const test = await loadSplit('mnist', 'test', undefined);
  return { train, test: take(test, Math.min(testSize, test.count)) };
}

/** The eight directions of a shift, as unit steps `[dx, dy]` (x right, y down), clockwise from east. */
export const DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
  [-1, 0],
  [-1, -1],
  [0, -1],
  [1, -1],
];

/** Names of {@link DIRECTIONS}, in the same order. */
export const DIRECTION_NAMES = ['E', 'SE', 'S', 'SW', 'W', 'NW', 'N', 'NE'] as const;

/**
 * `ds` with every image moved `dx` pixels right and `dy` down, the uncovered border black (0, before
 * normalisation); lazy (a `map` transform), so nothing is copied.
 */
export const shifted = (ds: Dataset, dx: number, dy: number): Dataset => {
  if (dx === 0 && dy === 0) return ds;
  const [c, h, w] = ds.shape;
  return map(ds, ({ pixels, label }) => ({
    pixels: shiftImages({ data: pixels, shape: [1, c, h, w] }, [dx], [dy]).data,
    label,
  }));
};

/** A copy of `ds` (its view, in order) with `pad` black pixels around every image and `normalization`. */
export function padded(ds: Dataset, pad: number, normalization: Normalization): Dataset {
  const [c, h, w] = ds.shape;
  const [ph, pw] = [h + 2 * pad, w + 2 * pad];
  const images = new Uint8Array(ds.count * c * ph * pw);
  ds.indices.forEach((row, i) => {
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const src = ((row * c + ch) * h + y) * w;
        images.set(ds.images.subarray(src, src + w), ((i * c + ch) * ph + y + pad) * pw + pad);
      }
    }
  });
  return fromImageDataset(
    { images, labels: labelsOf(ds), count: ds.count, shape: [c, ph, pw], classNames: ds.classNames },
    normalization,
  );
}

/** A stratified random subset of `count` examples of `ds` drawn with `key` (all of it when `count` ≥ its size). */
export const subset = (ds: Dataset, count: number, key: Key): Dataset =>
  count >= ds.count ? ds : split(ds, { count, stratified: true, key })[1];
