/**
 * @file Deterministic per-image pixel operations on NCHW batches, the building blocks of `augment`:
 * horizontal flip, integer shift with zero fill, affine warp (rotation, scale) with bilinear sampling and zero
 * fill, brightness/contrast. Each takes explicit per-image parameters and returns a new batch.
 *
 * Coordinates are pixel indices, `x` to the right and `y` down; the image centre is `((W-1)/2, (H-1)/2)`.
 * Uint8 input gives uint8 output (rounded; exact for flips and shifts), float input float output.
 */

/** Pixel storage of a batch: bytes or floats. */
export type PixelArray = Uint8Array | Float32Array;

/** A batch of images as raw pixels: `data` is `N x C x H x W`, row-major. */
export type PixelBatch<T extends PixelArray = PixelArray> = {
  readonly data: T;
  readonly shape: readonly [n: number, c: number, h: number, w: number];
};

/** An empty array of the same type as `like`, for `n` pixels. */
const alloc = <T extends PixelArray>(like: T, n: number): T =>
  // A conditional allocation TypeScript cannot narrow to T; the one cast in this module.
  (like instanceof Uint8Array ? new Uint8Array(n) : new Float32Array(n)) as T;

const checkBatch = (fn: string, b: PixelBatch, params: readonly { name: string; length: number }[]): void => {
  const [n, c, h, w] = b.shape;
  if (b.data.length !== n * c * h * w) {
    throw new RangeError(
      `${fn}: data has ${b.data.length} values, shape [${b.shape.join(', ')}] needs ${n * c * h * w}`,
    );
  }
  for (const p of params) {
    if (p.length !== n) throw new RangeError(`${fn}: ${p.name} has ${p.length} entries for ${n} images`);
  }
};

/** `out[n] = in[n]` flipped left-right where `flip[n]` is non-zero, else copied. */
export const flipImages = <T extends PixelArray>(b: PixelBatch<T>, flip: ArrayLike<number>): PixelBatch<T> => {
  checkBatch('flipImages', b, [{ name: 'flip', length: flip.length }]);
  const [n, c, h, w] = b.shape;
  const out = alloc(b.data, b.data.length);
  for (let i = 0; i < n; i++) {
    const mirrored = flip[i] !== 0;
    for (let row = i * c * h; row < (i + 1) * c * h; row++) {
      const base = row * w;
      for (let x = 0; x < w; x++) out[base + x] = b.data[base + (mirrored ? w - 1 - x : x)]!;
    }
  }
  return { data: out, shape: b.shape };
};

/**
 * Shifts image `n` by whole pixels, `dx[n]` right and `dy[n]` down, filling the uncovered border with 0:
 * `out(y, x) = in(y - dy, x - dx)`, or 0 outside the image.
 */
export const shiftImages = <T extends PixelArray>(
  b: PixelBatch<T>,
  dx: ArrayLike<number>,
  dy: ArrayLike<number>,
): PixelBatch<T> => {
  checkBatch('shiftImages', b, [
    { name: 'dx', length: dx.length },
    { name: 'dy', length: dy.length },
  ]);
  const [n, c, h, w] = b.shape;
  const out = alloc(b.data, b.data.length);
  for (let i = 0; i < n; i++) {
    const sx = dx[i]!;
    const sy = dy[i]!;
    if (!Number.isInteger(sx) || !Number.isInteger(sy)) {
      throw new RangeError(`shiftImages: shifts must be integers, got (${sx}, ${sy}) for image ${i}`);
    }
    const x0 = Math.max(0, sx);
    const x1 = Math.min(w, w + sx);
    if (x1 <= x0) continue;
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c + ch) * h * w;
      for (let y = Math.max(0, sy); y < Math.min(h, h + sy); y++) {
        const src = plane + (y - sy) * w;
        out.set(b.data.subarray(src + x0 - sx, src + x1 - sx), plane + y * w + x0);
      }
    }
  }
  return { data: out, shape: b.shape };
};

/**
 * An inverse affine map per image, 6 numbers `[a, b, c, d, e, f]`: output pixel `(x, y)` samples the input at
 * `(a·x + b·y + c, d·x + e·y + f)`.
 */
export type InverseAffine = readonly [number, number, number, number, number, number];

/**
 * The inverse map of rotating by `degrees` counter-clockwise (as seen on screen, y down) and then scaling by
 * `scale` about the centre `(cx, cy) = ((w-1)/2, (h-1)/2)`. The forward map sends a point at offset `(u, v)`
 * from the centre to `s·(u·cosθ + v·sinθ, -u·sinθ + v·cosθ)`; this returns its inverse
 * `(u', v') ↦ (u'·cosθ - v'·sinθ, u'·sinθ + v'·cosθ) / s`.
 */
export const rotateScaleInverse = (degrees: number, scale: number, h: number, w: number): InverseAffine => {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t) / scale;
  const sin = Math.sin(t) / scale;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  return [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy];
};

/** Sample coordinates this close to an integer are snapped to it, so exact maps (90°, scale 1) are exact. */
const SNAP = 1e-9;
const snap = (v: number): number => {
  const r = Math.round(v);
  return Math.abs(v - r) < SNAP ? r : v;
};

/**
 * Warps every image by its inverse affine map (`maps[n]`), sampling bilinearly; samples outside the image
 * read 0 (each of the four neighbours outside contributes 0), as `grid_sample(padding_mode='zeros')`.
 */
export const warpImages = <T extends PixelArray>(b: PixelBatch<T>, maps: readonly InverseAffine[]): PixelBatch<T> => {
  checkBatch('warpImages', b, [{ name: 'maps', length: maps.length }]);
  const [n, c, h, w] = b.shape;
  const src = b.data;
  const out = alloc(src, src.length);
  const round = src instanceof Uint8Array;
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    const [a, bb, cc, d, e, f] = maps[i]!;
    const first = i * c * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = snap(a * x + bb * y + cc);
        const sy = snap(d * x + e * y + f);
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        if (x0 < -1 || x0 >= w || y0 < -1 || y0 >= h) continue; // all four neighbours outside: 0
        const fx = sx - x0;
        const fy = sy - y0;
        // Weights of the four neighbours; a neighbour outside the image (or with weight 0) is skipped.
        const left = x0 >= 0;
        const right = fx > 0 && x0 + 1 < w;
        const up = y0 >= 0;
        const down = fy > 0 && y0 + 1 < h;
        const w00 = left && up ? (1 - fx) * (1 - fy) : 0;
        const w01 = right && up ? fx * (1 - fy) : 0;
        const w10 = left && down ? (1 - fx) * fy : 0;
        const w11 = right && down ? fx * fy : 0;
        const at = y0 * w + x0;
        const to = y * w + x;
        for (let ch = 0, p = first; ch < c; ch++, p += plane) {
          let v = 0;
          if (w00 !== 0) v += src[p + at]! * w00;
          if (w01 !== 0) v += src[p + at + 1]! * w01;
          if (w10 !== 0) v += src[p + at + w]! * w10;
          if (w11 !== 0) v += src[p + at + w + 1]! * w11;
          out[p + to] = round ? Math.round(v) : v;
        }
      }
    }
  }
  return { data: out, shape: b.shape };
};

/** Rotates image `n` by `degrees[n]` counter-clockwise about its centre (bilinear, zero fill). */
export const rotateImages = <T extends PixelArray>(b: PixelBatch<T>, degrees: ArrayLike<number>): PixelBatch<T> =>
  warpImages(
    b,
    Array.from(degrees, (deg) => rotateScaleInverse(deg, 1, b.shape[2], b.shape[3])),
  );

/** Scales image `n` by `factors[n]` about its centre (> 1 zooms in; bilinear, zero fill). */
export const scaleImages = <T extends PixelArray>(b: PixelBatch<T>, factors: ArrayLike<number>): PixelBatch<T> =>
  warpImages(
    b,
    Array.from(factors, (s) => rotateScaleInverse(0, s, b.shape[2], b.shape[3])),
  );

/** ITU-R 601 luma weights, as torchvision's `rgb_to_grayscale` (for the contrast mean of 3-channel images). */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Brightness then contrast, per image, clamped to `[0, maxValue]` after each step (torchvision's
 * `adjust_brightness` / `adjust_contrast`): `x₁ = clamp(x·brightness[n])`, then
 * `x₂ = clamp(m + (x₁ - m)·contrast[n])` with `m` the mean grey level of `x₁` (luma for 3 channels, the mean of
 * all channels otherwise). A factor of 1 leaves the image unchanged.
 */
export const adjustImages = <T extends PixelArray>(
  b: PixelBatch<T>,
  brightness: ArrayLike<number>,
  contrast: ArrayLike<number>,
  maxValue = 255,
): PixelBatch<T> => {
  checkBatch('adjustImages', b, [
    { name: 'brightness', length: brightness.length },
    { name: 'contrast', length: contrast.length },
  ]);
  const [n, c, h, w] = b.shape;
  const plane = h * w;
  const size = c * plane;
  const out = alloc(b.data, b.data.length);
  const round = b.data instanceof Uint8Array;
  const clamp = (v: number): number => Math.min(maxValue, Math.max(0, v));
  const img = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const bf = brightness[i]!;
    const cf = contrast[i]!;
    let grey = 0;
    for (let j = 0; j < size; j++) {
      const v = clamp(b.data[i * size + j]! * bf);
      img[j] = v;
      grey += c === 3 ? LUMA[Math.floor(j / plane) as 0 | 1 | 2] * v : v / c;
    }
    const m = grey / plane;
    for (let j = 0; j < size; j++) {
      const v = cf === 1 ? img[j]! : clamp(m + (img[j]! - m) * cf);
      out[i * size + j] = round ? Math.round(v) : v;
    }
  }
  return { data: out, shape: b.shape };
};
