/**
 * @file Rasters (8-bit images) and a small RGB canvas to draw charts on: rectangles, lines, text in the
 * built-in 5x7 font, and scaled blits of other rasters.
 */
import type { RasterImage } from '@tapenet/autodiff/node';
import { GLYPH_H, glyph, textWidth } from './font.js';

/**
 * An 8-bit image as vis draws it: @tapenet/autodiff/node's `RasterImage` (rows top to bottom, channels
 * interleaved), greyscale or RGB. `encodePng` takes it as it is.
 */
export type Raster = RasterImage & { readonly channels: 1 | 3 };

/** An RGB colour, each component 0-255. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [160, 160, 160];
export const LIGHT_GREY: Rgb = [225, 225, 225];

/** Colours for chart series, in order (Tableau 10). */
export const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/** Throws a RangeError naming `fn` and `arg` unless `v` is an integer in `[min, max]`. */
export function checkInt(fn: string, arg: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${fn}: ${arg} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

/** A mutable RGB drawing surface; `toRaster()` hands out a copy. Drawing outside the canvas is clipped. */
export class Canvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    checkInt('Canvas', 'width', width, 1, 1 << 14);
    checkInt('Canvas', 'height', height, 1, 1 << 14);
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel (ignored outside the canvas). */
  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  /** Fills the rectangle with top-left `(x, y)` and size `w x h`. */
  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.set(xx, yy, c);
  }

  /** Draws a one-pixel rectangle outline. */
  strokeRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.fillRect(x, y, w, 1, c);
    this.fillRect(x, y + h - 1, w, 1, c);
    this.fillRect(x, y, 1, h, c);
    this.fillRect(x + w - 1, y, 1, h, c);
  }

  /** Draws a line from `(x0, y0)` to `(x1, y1)` (Bresenham), `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    const lo = -Math.floor((thickness - 1) / 2);
    for (;;) {
      this.fillRect(x + lo, y + lo, thickness, thickness, c);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** Draws `text` with its top-left corner at `(x, y)`, each font pixel `scale x scale` screen pixels. */
  text(x: number, y: number, text: string, c: Rgb = BLACK, scale = 1): void {
    [...text].forEach((ch, i) => {
      const left = Math.round(x) + i * 6 * scale;
      for (const [gx, gy] of glyph(ch)) this.fillRect(left + gx * scale, Math.round(y) + gy * scale, scale, scale, c);
    });
  }

  /** Draws `text` centred horizontally on `cx`, top at `y`. */
  textCentered(cx: number, y: number, text: string, c: Rgb = BLACK, scale = 1): void {
    this.text(cx - textWidth(text, scale) / 2, y, text, c, scale);
  }

  /** Draws `text` rotated 90° counter-clockwise (reading bottom to top), centred vertically on `cy`. */
  textVertical(x: number, cy: number, text: string, c: Rgb = BLACK, scale = 1): void {
    const top = Math.round(cy + textWidth(text, scale) / 2);
    [...text].forEach((ch, i) => {
      const base = top - i * 6 * scale;
      for (const [gx, gy] of glyph(ch)) this.fillRect(x + gy * scale, base - (gx + 1) * scale, scale, scale, c);
    });
  }

  /** Copies `r` with its top-left at `(x, y)`, each source pixel as a `scale x scale` block. */
  blit(r: Raster, x: number, y: number, scale = 1): void {
    for (let sy = 0; sy < r.height; sy++) {
      for (let sx = 0; sx < r.width; sx++) {
        const i = (sy * r.width + sx) * r.channels;
        const c: Rgb =
          r.channels === 1 ? [r.data[i]!, r.data[i]!, r.data[i]!] : [r.data[i]!, r.data[i + 1]!, r.data[i + 2]!];
        this.fillRect(x + sx * scale, y + sy * scale, scale, scale, c);
      }
    }
  }

  /** A copy of the pixels as an RGB raster. */
  toRaster(): Raster {
    return { width: this.width, height: this.height, channels: 3, data: this.data.slice() };
  }
}

/** Height of a line of text at scale 1 (for layout code). */
export const LINE_H = GLYPH_H;
