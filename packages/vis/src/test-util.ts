/** @file Helpers shared by the tests (not exported from the package). */
import type { Raster } from './raster.js';

/** The RGB colour of pixel `(x, y)` of a raster (grey rasters repeat the value). */
export function pixel(r: Raster, x: number, y: number): [number, number, number] {
  const i = (y * r.width + x) * r.channels;
  return r.channels === 1 ? [r.data[i]!, r.data[i]!, r.data[i]!] : [r.data[i]!, r.data[i + 1]!, r.data[i + 2]!];
}

/** How many pixels of `r` have exactly colour `c`. */
export function countColour(r: Raster, c: readonly [number, number, number]): number {
  let n = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const p = pixel(r, x, y);
      if (p[0] === c[0] && p[1] === c[1] && p[2] === c[2]) n++;
    }
  }
  return n;
}
