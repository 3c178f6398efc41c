/**
 * @file PNG in and out: encoding is @tapenet/autodiff/node's `encodePng` (re-exported from the package
 * index, the one encoder in tapenet), decoding goes through pngjs (pure JavaScript, no native code); and
 * the atomic file write.
 */
import { writeFileAtomic } from '@tapenet/autodiff/node';
import { PNG } from 'pngjs';
import type { Raster } from './raster.js';

/**
 * Decodes PNG bytes (any bit depth and colour type pngjs reads) to a raster. Alpha is composited onto
 * white; the result is greyscale when every pixel has R = G = B (or `grey: true` asks for luma), else RGB.
 * @throws Error naming the problem when the bytes are not a readable PNG.
 */
export function decodePng(bytes: Uint8Array, options: { readonly grey?: boolean } = {}): Raster {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`decodePng: bytes are not a readable PNG (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  const rgb = new Uint8Array(width * height * 3);
  let grey = true;
  for (let i = 0; i < width * height; i++) {
    const a = data[i * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(data[i * 4 + c]! * a + 255 * (1 - a));
    if (rgb[i * 3] !== rgb[i * 3 + 1] || rgb[i * 3] !== rgb[i * 3 + 2]) grey = false;
  }
  if (!grey && !options.grey) return { width, height, channels: 3, data: rgb };
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!);
  }
  return { width, height, channels: 1, data: out };
}

/**
 * Writes `png` to `path` atomically with `writeFileAtomic` of `@tapenet/autodiff/node` (temporary file
 * created exclusively beside it, fsync, rename, directory fsync), so a reader never sees half a file. The
 * folder must exist.
 * @example await writePngAtomic('run/vis/filters.png', renderFilters(params.conv1.weight))
 */
export async function writePngAtomic(path: string, png: Uint8Array): Promise<void> {
  await writeFileAtomic(path, png);
}
