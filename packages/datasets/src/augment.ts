/**
 * @file Keyed, batched data augmentation: `augment(options)` builds a pure `(batch, key) => batch` function
 * from the pixel operations of `warp.ts`, drawing every image's parameters from the key.
 *
 * Stages run in a fixed order: crop, flip, translate, rotate + scale (one bilinear warp), brightness/contrast.
 * Stage `s` draws from `foldIn(key, s)` (crop 0, flip 1, translate 2, rotate 3, scale 4, brightness 5,
 * contrast 6), so turning one stage on or off does not change what the others draw.
 */
import { foldIn, type Key, random } from '@tapenet/autodiff';
import {
  adjustImages,
  flipImages,
  type PixelArray,
  type PixelBatch,
  rotateScaleInverse,
  shiftImages,
  warpImages,
} from './warp.js';

/** What {@link augment} does; every field is optional and an absent field is no-op. */
export type AugmentOptions = {
  /**
   * Random crop with zero padding: pad every side by `padding` pixels, then cut a window of the original size
   * at a uniformly random integer offset (as in CIFAR ResNet training: `{ padding: 4 }` on 32x32).
   */
  readonly crop?: { readonly padding: number };
  /** Horizontal flip with probability 0.5 (`true`) or the given probability. */
  readonly flip?: boolean | number;
  /** Random shift by whole pixels, uniform in `[-max, max]` per axis (zero fill); a number sets both axes. */
  readonly translate?: number | { readonly x: number; readonly y: number };
  /** Random rotation by an angle uniform in `[-degrees, degrees]` about the centre (bilinear, zero fill). */
  readonly rotate?: number;
  /** Random scale about the centre, factor uniform in `[lo, hi]` (bilinear, zero fill; > 1 zooms in). */
  readonly scale?: readonly [lo: number, hi: number];
  /** Brightness factor uniform in `[max(0, 1 - b), 1 + b]` (torchvision's `ColorJitter(brightness=b)`). */
  readonly brightness?: number;
  /** Contrast factor uniform in `[max(0, 1 - c), 1 + c]` (torchvision's `ColorJitter(contrast=c)`). */
  readonly contrast?: number;
  /** Largest pixel value, for clamping brightness/contrast (default 255: bytes, or floats on the 0-255 scale). */
  readonly maxValue?: number;
};

/** A batch augmentation: pure, deterministic for a key, same array type out as in. */
export type Augment = <T extends PixelArray>(batch: PixelBatch<T>, key: Key) => PixelBatch<T>;

const STAGE = { crop: 0, flip: 1, translate: 2, rotate: 3, scale: 4, brightness: 5, contrast: 6 } as const;

/** `n` integers uniform in `[lo, hi]` (inclusive). */
const ints = (k: Key, n: number, lo: number, hi: number): ArrayLike<number> =>
  lo === hi ? new Int32Array(n).fill(lo) : random.randint(k, [n], lo, hi + 1).data();

/** `n` floats uniform in `[lo, hi)`. */
const floats = (k: Key, n: number, lo: number, hi: number): ArrayLike<number> =>
  lo === hi ? new Float32Array(n).fill(lo) : random.uniform(k, [n], lo, hi).data();

const fail = (what: string, got: unknown): never => {
  throw new RangeError(`augment: ${what}, got ${JSON.stringify(got)}`);
};
const isCount = (v: number): boolean => Number.isInteger(v) && v >= 0;
const isFactor = (v: number): boolean => Number.isFinite(v) && v >= 0;

/** The validated options as plain numbers (0 or undefined where a stage is off). */
const normalise = (o: AugmentOptions) => {
  const padding = o.crop?.padding ?? 0;
  if (!isCount(padding)) fail('crop.padding must be a non-negative integer', padding);
  const flip = o.flip === true ? 0.5 : o.flip === false || o.flip === undefined ? 0 : o.flip;
  if (!(flip >= 0 && flip <= 1)) fail('flip must be a boolean or a probability in [0, 1]', o.flip);
  const t = o.translate ?? 0;
  const [tx, ty] = typeof t === 'number' ? [t, t] : [t.x, t.y];
  if (!isCount(tx) || !isCount(ty)) fail('translate must hold non-negative integers', o.translate);
  const rotate = o.rotate ?? 0;
  if (!isFactor(rotate)) fail('rotate must be a non-negative finite number of degrees', o.rotate);
  const scale = o.scale ?? [1, 1];
  if (!(scale[0] > 0 && scale[0] <= scale[1] && Number.isFinite(scale[1]))) {
    fail('scale must be [lo, hi] with 0 < lo ≤ hi', o.scale);
  }
  const brightness = o.brightness ?? 0;
  const contrast = o.contrast ?? 0;
  if (!isFactor(brightness) || !isFactor(contrast)) fail('brightness and contrast must be ≥ 0', [brightness, contrast]);
  const maxValue = o.maxValue ?? 255;
  if (!(maxValue > 0 && Number.isFinite(maxValue))) fail('maxValue must be positive', o.maxValue);
  return { padding, flip, tx, ty, rotate, scale, brightness, contrast, maxValue };
};

/**
 * Builds a batch augmentation. Every stage draws per-image parameters from its own key
 * (`foldIn(key, stage)`), so a key always gives the same output, and `augment({})` is the identity
 * (it returns its input). Works on bytes (results rounded) and floats on the 0-255 scale.
 * @throws RangeError on invalid options (at build time, not per batch).
 * @example
 * const cifar = augment({ crop: { padding: 4 }, flip: true });
 * const mnist = augment({ rotate: 10, scale: [0.9, 1.1], translate: 2 });
 * const out = cifar({ data: bytes, shape: [64, 3, 32, 32] }, key(0));
 */
export const augment = (options: AugmentOptions): Augment => {
  const o = normalise(options);
  const geometric = o.rotate > 0 || o.scale[0] !== 1 || o.scale[1] !== 1;
  const colour = o.brightness > 0 || o.contrast > 0;
  return <T extends PixelArray>(batch: PixelBatch<T>, k: Key): PixelBatch<T> => {
    const [n, , h, w] = batch.shape;
    let b = batch;
    if (o.padding > 0) {
      // A window at offset (ox, oy) of the padded image is the image shifted by (padding - ox, padding - oy).
      const offsets = ints(foldIn(k, STAGE.crop), 2 * n, 0, 2 * o.padding);
      const dx = Array.from({ length: n }, (_, i) => o.padding - offsets[2 * i]!);
      const dy = Array.from({ length: n }, (_, i) => o.padding - offsets[2 * i + 1]!);
      b = shiftImages(b, dx, dy);
    }
    if (o.flip > 0) b = flipImages(b, random.bernoulli(foldIn(k, STAGE.flip), [n], o.flip).data());
    if (o.tx > 0 || o.ty > 0) {
      const kt = foldIn(k, STAGE.translate);
      b = shiftImages(b, ints(foldIn(kt, 0), n, -o.tx, o.tx), ints(foldIn(kt, 1), n, -o.ty, o.ty));
    }
    if (geometric) {
      const degrees = floats(foldIn(k, STAGE.rotate), n, -o.rotate, o.rotate);
      const scales = floats(foldIn(k, STAGE.scale), n, o.scale[0], o.scale[1]);
      b = warpImages(
        b,
        Array.from({ length: n }, (_, i) => rotateScaleInverse(degrees[i]!, scales[i]!, h, w)),
      );
    }
    if (colour) {
      const range = (f: number): [number, number] => [Math.max(0, 1 - f), 1 + f];
      const bright = floats(foldIn(k, STAGE.brightness), n, ...range(o.brightness));
      const contrast = floats(foldIn(k, STAGE.contrast), n, ...range(o.contrast));
      b = adjustImages(b, bright, contrast, o.maxValue);
    }
    return b;
  };
};
