/**
 * @file The PNG encoder of tapenet (datasets' contact sheets and every picture of vis): 8-bit greyscale, RGB
 * or RGBA, no interlacing, filter 0 on every row, deflated by `node:zlib`, which is looked up when an image
 * is encoded (so this module loads in a browser, where encoding throws an error saying why). Chunks: IHDR,
 * one IDAT (zlib stream of the filtered rows), IEND; each `length, type, data, CRC-32`.
 * Spec: https://www.w3.org/TR/png-3/
 */

/** `node:zlib`'s deflateSync, found at call time through `process.getBuiltinModule` (Node ≥ 20.16). */
function deflateSync(bytes: Uint8Array): Uint8Array {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as { deflateSync(b: Uint8Array): Uint8Array } | undefined;
  if (zlib === undefined) throw new Error('encodePng: needs node:zlib (Node ≥ 20.16); it is not available here');
  return zlib.deflateSync(bytes);
}

/** An 8-bit image, rows top to bottom, channels interleaved (`data.length = width·height·channels`). */
export type RasterImage = {
  readonly width: number;
  readonly height: number;
  /** 1 greyscale, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8Array;
};

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) byte table. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of `bytes` as PNG and zlib's `crc32` define it. @example crc32(new TextEncoder().encode('IEND')) // 0xae426082 */
export const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** One chunk: 4-byte big-endian length, 4-byte ASCII type, data, CRC-32 of type + data. */
const chunk = (type: string, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
};

const COLOUR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;

/**
 * Encodes an 8-bit image as PNG bytes.
 * @throws RangeError when the size is not positive integers below 2^31 or `data` has the wrong length.
 * @example writeFileSync('digit.png', encodePng({ width: 28, height: 28, channels: 1, data: pixels }))
 */
export const encodePng = (image: RasterImage): Uint8Array => {
  const { width, height, channels, data } = image;
  const ok = (v: number) => Number.isInteger(v) && v > 0 && v < 2 ** 31;
  if (!ok(width) || !ok(height)) throw new RangeError(`encodePng: size ${width}x${height} must be positive integers`);
  if (COLOUR_TYPE[channels] === undefined)
    throw new RangeError(`encodePng: channels must be 1, 3 or 4, got ${channels}`);
  const stride = width * channels;
  if (data.length !== stride * height) {
    throw new RangeError(
      `encodePng: data has ${data.length} bytes, ${width}x${height}x${channels} needs ${stride * height}`,
    );
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, COLOUR_TYPE[channels], 0, 0, 0], 8); // bit depth, colour type, compression, filter, interlace
  const rows = new Uint8Array((stride + 1) * height); // each row: filter byte 0 (None), then the pixels
  for (let y = 0; y < height; y++) rows.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
