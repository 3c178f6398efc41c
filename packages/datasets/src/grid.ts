/** @file Tiling a batch of NCHW images into one 8-bit raster image (for a PNG contact sheet). */
import type { RasterImage } from '@tapenet/autodiff/node';
import type { PixelBatch } from './warp.js';

/** Options of {@link tileImages}. */
export type TileOptions = {
  /** Images per row (default `ceil(sqrt(N))`). */
  readonly columns?: number;
  /** Pixels between images and around the grid (default 1). */
  readonly padding?: number;
  /** Value of the padding pixels, 0-255 (default 0). */
  readonly background?: number;
};

/**
 * Lays out `N` images of `C x H x W` (C = 1 greyscale or 3 RGB) row by row in a grid, as an interleaved 8-bit
 * raster of `columns·(W + p) + p` by `rows·(H + p) + p` pixels. Float pixels are rounded and clamped to 0-255.
 * @example encodePng(tileImages({ data: bytes, shape: [16, 1, 28, 28] }, { columns: 8 }))
 */
export const tileImages = (batch: PixelBatch, options: TileOptions = {}): RasterImage => {
  const [n, c, h, w] = batch.shape;
  if (c !== 1 && c !== 3) throw new RangeError(`tileImages: images need 1 or 3 channels, got ${c}`);
  const columns = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  const pad = options.padding ?? 1;
  if (!Number.isInteger(columns) || columns < 1 || !Number.isInteger(pad) || pad < 0) {
    throw new RangeError(
      `tileImages: columns (${columns}) must be a positive and padding (${pad}) a non-negative integer`,
    );
  }
  const rows = Math.max(1, Math.ceil(n / columns));
  const width = columns * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const data = new Uint8Array(width * height * c).fill(options.background ?? 0);
  for (let i = 0; i < n; i++) {
    const left = pad + (i % columns) * (w + pad);
    const top = pad + Math.floor(i / columns) * (h + pad);
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c + ch) * h * w;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = Math.round(batch.data[plane + y * w + x]!);
          data[((top + y) * width + left + x) * c + ch] = Math.min(255, Math.max(0, v));
        }
      }
    }
  }
  return { width, height, channels: c, data };
};
