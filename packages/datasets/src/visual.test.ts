/**
 * @file A visual check: augmented MNIST digits tiled into a PNG in a temporary folder, read back and decoded.
 * Set `TAPENET_KEEP_PNG=1` to keep the file (its path is printed) and look at it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key } from '@tapenet/autodiff';
import { expect, it } from 'vitest';
import { decodePng } from '../../autodiff/test/png-decode.js';
import { augment } from './augment.js';
import { gatherPixels } from './batch.js';
import { MNIST_NORMALIZATION } from './constants.js';
import { fromImageDataset } from './dataset.js';
import { runOrThrow } from './errors.js';
import { tileImages } from './grid.js';
import { loadMnist } from './mnist.js';
import { encodePng } from '@tapenet/autodiff/node';
import type { PixelBatch } from './warp.js';

it('writes a PNG grid of augmented MNIST digits that decodes to the expected size and bytes', async () => {
  const test = fromImageDataset(await runOrThrow(loadMnist({ split: 'test' })), MNIST_NORMALIZATION);
  const { pixels } = gatherPixels(test, [0, 1, 2, 3, 4, 5, 6, 7]);
  const aug = augment({ rotate: 15, scale: [0.9, 1.1], translate: 2 });
  const rows = [pixels, aug(pixels, key(1)), aug(pixels, key(2)), augment({ crop: { padding: 4 } })(pixels, key(3))];
  const grid: PixelBatch<Float32Array> = {
    data: Float32Array.from(rows.flatMap((r) => [...r.data])),
    shape: [32, 1, 28, 28],
  };
  const raster = tileImages(grid, { columns: 8, padding: 1, background: 128 });
  expect([raster.width, raster.height]).toEqual([8 * 29 + 1, 4 * 29 + 1]);

  const dir = await mkdtemp(join(tmpdir(), 'tapenet-augment-'));
  const file = join(dir, 'mnist-augmented.png');
  await writeFile(file, encodePng(raster));
  const png = decodePng(new Uint8Array(await readFile(file)));
  expect([png.width, png.height, png.bitDepth, png.colourType]).toEqual([233, 117, 8, 0]);
  expect(png.data).toEqual(raster.data);

  // The top-left tile is the first test digit (a 7) byte for byte; augmented tiles differ but keep most ink.
  const tile = (r: number, c: number) =>
    Array.from(
      { length: 28 * 28 },
      (_, j) => png.data[(1 + r * 29 + Math.floor(j / 28)) * 233 + 1 + c * 29 + (j % 28)]!,
    );
  expect(tile(0, 0)).toEqual([...test.images.subarray(0, 784)]);
  const ink = (t: number[]) => t.reduce((a, b) => a + b, 0);
  for (let r = 1; r < 4; r++) {
    for (let c = 0; c < 8; c++) {
      expect(tile(r, c)).not.toEqual(tile(0, c));
      expect(ink(tile(r, c)) / ink(tile(0, c))).toBeGreaterThan(0.7);
      expect(ink(tile(r, c)) / ink(tile(0, c))).toBeLessThan(1.3);
    }
  }
  if (process.env.TAPENET_KEEP_PNG === '1') console.info(`augmented MNIST grid: ${file}`);
  else await rm(dir, { recursive: true });
});
