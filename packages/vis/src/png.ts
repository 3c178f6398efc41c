/**
 * @file PNG in and out through pngjs (pure JavaScript, no native code), and an atomic file write.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import type { Raster } from './raster.js';

/**
 * Encodes a raster as PNG bytes: 8-bit greyscale for 1 channel, 8-bit RGB for 3.
 * @example writeFileSync('digit.png', encodePng({ width: 28, height: 28, channels: 1, data: pixels }))
 */
export function encodePng(r: Raster): Uint8Array {
  const { width, height, channels, data } = r;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodePng: size must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`encodePng: channels must be 1 or 3, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `encodePng: data has ${data.length} bytes, but ${width}x${height}x${channels} needs ${width * height * channels}`,
    );
  }
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    png.data[i * 4] = data[s]!;
    png.data[i * 4 + 1] = data[channels === 1 ? s : s + 1]!;
    png.data[i * 4 + 2] = data[channels === 1 ? s : s + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  const bytes = PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2, deflateLevel: 9 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

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
 * Writes `png` to `path` atomically: a temporary file in the same folder, then a rename, so a reader
 * never sees half a file. The folder must exist.
 * @example await writePngAtomic('run/vis/filters.png', renderFilters(params.conv1.weight))
 */
export async function writePngAtomic(path: string, png: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, png);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
