/**
 * @file Tensors to pictures and back: value ranges mapped to 0-255, nearest-neighbour upscaling, and PNG
 * files read as `[1, C, H, W]` tensors in [0, 1].
 */
import { fmt, type Tensor, tensor } from '@tapenet/autodiff';
import { decodePng } from './png.js';
import { checkInt, type Raster } from './raster.js';

/**
 * How values become grey levels: `'minmax'` stretches `[min, max]` to `[0, 255]`; `'symmetric'` maps
 * `[-m, m]` (m = max |v|) so that 0 is mid grey; `[lo, hi]` is a fixed range (values outside are clamped).
 */
export type Range = 'minmax' | 'symmetric' | readonly [number, number];

/** The `[lo, hi]` that `range` gives for `values`. A constant input gets a range around its value. */
export function resolveRange(values: ArrayLike<number>, range: Range = 'minmax'): readonly [number, number] {
  if (typeof range !== 'string') {
    if (!(range[1] > range[0])) throw new RangeError(`range: [${range[0]}, ${range[1]}] must have lo < hi`);
    return range;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi >= lo)) return [0, 1];
  if (range === 'symmetric') {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    return m === 0 ? [-1, 1] : [-m, m];
  }
  return hi === lo ? [lo - 1, hi + 1] : [lo, hi];
}

/** `v` in `[lo, hi]` as a byte, rounded and clamped (NaN → 0). */
export const toByte = (v: number, lo: number, hi: number): number => {
  const b = Math.round(((v - lo) / (hi - lo)) * 255);
  return Number.isNaN(b) ? 0 : Math.min(255, Math.max(0, b));
};

/**
 * Channel-planar values `[C, H, W]` (C = 1 or 3) as an interleaved raster, mapped with one range.
 */
export function planesToRaster(
  values: ArrayLike<number>,
  c: 1 | 3,
  h: number,
  w: number,
  range: Range = 'minmax',
): Raster {
  if (values.length !== c * h * w) {
    throw new RangeError(`planesToRaster: values has ${values.length} entries, [${c}, ${h}, ${w}] needs ${c * h * w}`);
  }
  const [lo, hi] = resolveRange(values, range);
  const data = new Uint8Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h * w; i++) data[i * c + ch] = toByte(values[ch * h * w + i]!, lo, hi);
  }
  return { width: w, height: h, channels: c, data };
}

/** `[H, W]`, `[C, H, W]` or `[1, C, H, W]` with C = 1 or 3, as `[C, H, W]`; throws naming `fn` otherwise. */
export function imageDims(fn: string, x: Tensor): readonly [1 | 3, number, number] {
  const s = x.shape;
  const dims = s.length === 2 ? [1, ...s] : s.length === 3 ? s : s.length === 4 && s[0] === 1 ? s.slice(1) : null;
  if (dims === null || (dims[0] !== 1 && dims[0] !== 3)) {
    throw new RangeError(
      `${fn}: image has shape ${fmt(s)}; expected [H, W], [C, H, W] or [1, C, H, W] with C = 1 or 3`,
    );
  }
  return [dims[0] as 1 | 3, dims[1]!, dims[2]!];
}

/**
 * An image tensor (`[H, W]`, `[C, H, W]` or `[1, C, H, W]`, C = 1 or 3) as a raster.
 * @example encodePng(tensorToRaster(x, { range: [0, 1] }))
 */
export function tensorToRaster(x: Tensor, options: { readonly range?: Range } = {}): Raster {
  const [c, h, w] = imageDims('tensorToRaster', x);
  return planesToRaster(x.data(), c, h, w, options.range ?? 'minmax');
}

/** A raster as a float32 tensor `[1, C, H, W]` with values in [0, 1]. */
export function rasterToTensor(r: Raster): Tensor {
  const n = r.width * r.height;
  const out = new Float32Array(n * r.channels);
  for (let ch = 0; ch < r.channels; ch++)
    for (let i = 0; i < n; i++) out[ch * n + i] = r.data[i * r.channels + ch]! / 255;
  return tensor(out, { shape: [1, r.channels, r.height, r.width] });
}

/**
 * Reads PNG bytes as a float32 tensor `[1, C, H, W]` in [0, 1] (C = 1 for grey images or with `grey: true`).
 * @example const x = pngToTensor(readFileSync('cat.png'), { grey: true })
 */
export const pngToTensor = (bytes: Uint8Array, options: { readonly grey?: boolean } = {}): Tensor =>
  rasterToTensor(decodePng(bytes, options));

/** `r` enlarged `scale` times with nearest-neighbour sampling (crisp pixels). */
export function upscale(r: Raster, scale: number): Raster {
  checkInt('upscale', 'scale', scale, 1, 64);
  if (scale === 1) return r;
  const width = r.width * scale;
  const height = r.height * scale;
  const data = new Uint8Array(width * height * r.channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (Math.floor(y / scale) * r.width + Math.floor(x / scale)) * r.channels;
      for (let c = 0; c < r.channels; c++) data[(y * width + x) * r.channels + c] = r.data[s + c]!;
    }
  }
  return { width, height, channels: r.channels, data };
}
