/** @file The PNG encoder: CRC-32 against known values and zlib, and a byte-exact round trip. */
import * as zlib from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../test/png-decode.js';
import { crc32, encodePng } from './index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32', () => {
  it('matches the standard check value and the IEND chunk CRC', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('agrees with zlib.crc32', (bytes) => {
    expect(crc32(bytes)).toBe(zlib.crc32(bytes));
  });
});

describe('encodePng', () => {
  test.prop([
    fc.integer({ min: 1, max: 20 }),
    fc.integer({ min: 1, max: 20 }),
    fc.constantFrom(1 as const, 3 as const, 4 as const),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  ])('round-trips size, colour type and every pixel byte', (width, height, channels, seed) => {
    const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 131 + seed) % 256);
    const png = decodePng(encodePng({ width, height, channels, data }));
    expect([png.width, png.height, png.bitDepth]).toEqual([width, height, 8]);
    expect(png.colourType).toBe({ 1: 0, 3: 2, 4: 6 }[channels]);
    expect(png.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.data).toEqual(data);
  });

  it('writes the exact signature and IHDR chunk of a 2x3 greyscale image', () => {
    const png = encodePng({ width: 2, height: 3, channels: 1, data: new Uint8Array(6) });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // length 13, 'IHDR', width 2, height 3, bit depth 8, colour type 0, compression, filter, interlace 0
    expect([...png.subarray(8, 29)]).toEqual([0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 3, 8, 0, 0, 0, 0]);
    expect(new DataView(png.buffer).getUint32(29)).toBe(zlib.crc32(png.subarray(12, 29)));
  });

  it('rejects bad sizes, channel counts and data lengths', () => {
    expect(() => encodePng({ width: 0, height: 1, channels: 1, data: new Uint8Array() })).toThrow(/size 0x1/);
    expect(() => encodePng({ width: 2, height: 2, channels: 2 as 1, data: new Uint8Array(8) })).toThrow(/channels/);
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(/needs 12/);
  });
});
