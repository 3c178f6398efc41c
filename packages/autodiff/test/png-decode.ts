/** @file A strict test-only PNG reader (8-bit, filter 0 rows, as `encodePng` writes) built on node:zlib. */
import { inflateSync } from 'node:zlib';
import { crc32, PNG_SIGNATURE } from '../src/node/png.js';

/** What {@link decodePng} returns. */
export type DecodedPng = {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
  readonly chunkTypes: readonly string[];
  /** Pixels with the per-row filter bytes removed. */
  readonly data: Uint8Array;
};

/** Parses signature and chunks, checks every CRC, inflates IDAT and strips the (None) filter bytes. */
export const decodePng = (bytes: Uint8Array): DecodedPng => {
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('not a PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkTypes: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | undefined;
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) {
      throw new Error(`bad CRC in ${type}`);
    }
    chunkTypes.push(type);
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  if (ihdr === undefined) throw new Error('no IHDR');
  const h = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  const [width, height, bitDepth, colourType] = [h.getUint32(0), h.getUint32(4), ihdr[8]!, ihdr[9]!];
  const channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[colourType] ?? 0;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`IDAT inflates to ${raw.length} bytes`);
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`row ${y} uses filter ${raw[y * (stride + 1)]}`);
    data.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, bitDepth, colourType, chunkTypes, data };
};
