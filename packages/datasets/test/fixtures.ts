/** @file Small synthetic datasets and pixel batches shared by the pipeline and augmentation tests. */
import { fc } from '@fast-check/vitest';
import type { ImageShape, ImageSource } from '../src/dataset.js';
import type { PixelBatch } from '../src/warp.js';

/**
 * `count` images of `shape` whose bytes encode where they are (`(row·37 + j·11) mod 256`) and the given labels
 * (default `i mod classes`), so any copy or reordering mistake changes the bytes.
 */
export const syntheticSource = (
  count: number,
  shape: ImageShape = [1, 4, 4],
  classes = 3,
  labels?: readonly number[],
): ImageSource => {
  const size = shape[0] * shape[1] * shape[2];
  return {
    images: Uint8Array.from({ length: count * size }, (_, k) => (Math.floor(k / size) * 37 + (k % size) * 11) % 256),
    labels: Uint8Array.from(labels ?? Array.from({ length: count }, (_, i) => i % classes)),
    count,
    shape,
    classNames: Array.from({ length: classes }, (_, c) => `class ${c}`),
  };
};

/** A float batch of zeros with value `v` at image `n`, channel `c`, pixel `(x, y)`. */
export const onePixel = (
  shape: readonly [number, number, number, number],
  at: { readonly n?: number; readonly c?: number; readonly x: number; readonly y: number },
  v = 200,
): PixelBatch<Float32Array> => {
  const [, c, h, w] = shape;
  const data = new Float32Array(shape[0] * c * h * w);
  data[(((at.n ?? 0) * c + (at.c ?? 0)) * h + at.y) * w + at.x] = v;
  return { data, shape };
};

/** Pixel value at `(n, c, y, x)`. */
export const px = (b: PixelBatch, n: number, c: number, y: number, x: number): number => {
  const [, cc, h, w] = b.shape;
  return b.data[((n * cc + c) * h + y) * w + x]!;
};

/** Arbitrary byte batches `[1-4, 1-3, 1-9, 1-9]`. */
export const arbByteBatch = (): fc.Arbitrary<PixelBatch<Uint8Array>> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
    )
    .chain(([n, c, h, w]) =>
      fc
        .uint8Array({ minLength: n * c * h * w, maxLength: n * c * h * w })
        .map((data) => ({ data, shape: [n, c, h, w] as const })),
    );

/** A fast-check arbitrary of PRNG seeds. */
export const arbSeed = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** 31 - 1 });
