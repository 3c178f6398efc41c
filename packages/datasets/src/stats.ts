/** @file Per-channel pixel statistics of a byte image dataset (to derive normalisation constants). */
import type { Normalization } from './constants.js';

/** Per-channel statistics: `mean`/`std` of pixels scaled to [0, 1] (population std), raw byte `min`/`max`. */
export type PixelStats = Normalization & { readonly min: readonly number[]; readonly max: readonly number[] };

/**
 * Computes per-channel pixel statistics of `count x C x H x W` bytes (NCHW), e.g. to derive the
 * normalisation constants of a new dataset: `mean[c] = E[x / 255]`, `std[c] = sqrt(E[(x / 255)²] - mean[c]²)`.
 * @throws RangeError when `images.length !== count * C * H * W` or the dataset is empty.
 * @example computePixelStats({ images, count, shape: [1, 28, 28] }).mean // [0.1307] on MNIST train
 */
export const computePixelStats = (ds: {
  readonly images: Uint8Array;
  readonly count: number;
  readonly shape: readonly [number, number, number];
}): PixelStats => {
  const [channels, height, width] = ds.shape;
  const plane = height * width;
  if (ds.images.length !== ds.count * channels * plane || ds.images.length === 0) {
    throw new RangeError(
      `computePixelStats: ${ds.images.length} bytes do not hold ${ds.count} non-empty images of [${ds.shape.join(', ')}]`,
    );
  }
  const stats = Array.from({ length: channels }, (_, c) => {
    let sum = 0;
    let sumSq = 0;
    let min = 255;
    let max = 0;
    for (let n = 0; n < ds.count; n++) {
      const start = (n * channels + c) * plane;
      for (let i = start; i < start + plane; i++) {
        const b = ds.images[i]!;
        if (b < min) min = b;
        if (b > max) max = b;
        sum += b;
        sumSq += b * b;
      }
    }
    const total = ds.count * plane;
    const mean = sum / total;
    return { mean: mean / 255, std: Math.sqrt(Math.max(0, sumSq / total - mean * mean)) / 255, min, max };
  });
  return {
    mean: stats.map((s) => s.mean),
    std: stats.map((s) => s.std),
    min: stats.map((s) => s.min),
    max: stats.map((s) => s.max),
  };
};
