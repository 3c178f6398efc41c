/** @file PNG encode/decode round trips through pngjs, and the atomic write. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@tapenet/autodiff/node';
import { decodePng, writePngAtomic } from './png.js';

const arbRaster = fc
  .record({
    width: fc.integer({ min: 1, max: 9 }),
    height: fc.integer({ min: 1, max: 9 }),
    channels: fc.constantFrom(1 as const, 3 as const),
  })
  .chain(({ width, height, channels }) =>
    fc
      .uint8Array({ minLength: width * height * channels, maxLength: width * height * channels })
      .map((data) => ({ width, height, channels, data })),
  );

describe('encodePng / decodePng', () => {
  test.prop([arbRaster])('round-trips every grey and RGB raster exactly', (r) => {
    const back = decodePng(encodePng(r));
    expect([back.width, back.height]).toEqual([r.width, r.height]);
    if (r.channels === 1) expect(back).toEqual(r);
    else {
      const grey = r.data.every((_, i) => i % 3 !== 0 || (r.data[i] === r.data[i + 1] && r.data[i] === r.data[i + 2]));
      expect(back.channels).toBe(grey ? 1 : 3);
      if (!grey) expect(back.data).toEqual(r.data);
    }
  });

  it('writes greyscale (colour type 0) and RGB (colour type 2) files', () => {
    const grey = encodePng({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 255) });
    const rgb = encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3) });
    expect(grey[25]).toBe(0); // IHDR colour type byte
    expect(rgb[25]).toBe(2);
  });

  it('composites alpha onto white and can force grey', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([255, 0, 0, 0, 255, 0, 0, 255]); // transparent red, opaque red
    const bytes = PNG.sync.write(png);
    const rgb = decodePng(bytes);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual([255, 255, 255, 255, 0, 0]);
    expect(Array.from(decodePng(bytes, { grey: true }).data)).toEqual([255, 76]);
  });

  it('names the problem for bad input', () => {
    expect(() => decodePng(Uint8Array.of(1, 2, 3))).toThrow(/decodePng: bytes are not a readable PNG/);
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toThrow(/needs 4/);
  });
});

describe('writePngAtomic', () => {
  it('writes the bytes and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vis-'));
    const png = encodePng({ width: 3, height: 2, channels: 1, data: new Uint8Array(6).fill(9) });
    await writePngAtomic(join(dir, 'a.png'), png);
    await writePngAtomic(join(dir, 'a.png'), png); // overwrite
    expect(readdirSync(dir)).toEqual(['a.png']);
    expect(new Uint8Array(readFileSync(join(dir, 'a.png')))).toEqual(png);
  });

  it('fails (and cleans up) when the folder does not exist', async () => {
    await expect(writePngAtomic(join(tmpdir(), 'no-such-dir-vis', 'a.png'), new Uint8Array(1))).rejects.toThrow(
      /ENOENT/,
    );
  });
});
