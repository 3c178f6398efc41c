/**
 * @file Deterministic inputs shared by every implementation, and the layout conversions between them.
 * Canonical layouts are tapenet's: NCHW images, OIHW filters, dense weights `[in, out]`. Every
 * implementation gets the same numbers, so first-run outputs (and LeNet losses) can be compared.
 */

/** A small deterministic generator (mulberry32): uniform floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` floats uniform in `[-scale, scale)`, reproducible from `seed`. */
export function uniform(n: number, seed: number, scale = 1): Float32Array {
  const next = prng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * next() - 1) * scale;
  return a;
}

/** `n` integer labels in `[0, classes)`. */
export function labels(n: number, seed: number, classes = 10): Int32Array {
  const next = prng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(next() * classes));
}

/** `[N, C, H, W]` → `[N, H, W, C]` (tfjs images; convnetjs volumes are one NHWC sample each). */
export function nchwToNhwc(x: ArrayLike<number>, n: number, c: number, h: number, w: number): Float32Array {
  const y = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) y[((b * h + i) * w + j) * c + ch] = x[((b * c + ch) * h + i) * w + j]!;
  return y;
}

/** `[O, I, KH, KW]` → `[KH, KW, I, O]` (tfjs filters). */
export function oihwToHwio(x: ArrayLike<number>, o: number, i: number, kh: number, kw: number): Float32Array {
  const y = new Float32Array(o * i * kh * kw);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let r = 0; r < kh; r++)
        for (let s = 0; s < kw; s++) y[((r * kw + s) * i + b) * o + a] = x[((a * i + b) * kh + r) * kw + s]!;
  return y;
}

/** `[O, I, KH, KW]` → `[O, KH, KW, I]` (convnetjs filters: one HWC volume per output channel). */
export function oihwToOhwi(x: ArrayLike<number>, o: number, i: number, kh: number, kw: number): Float32Array {
  const y = new Float32Array(o * i * kh * kw);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let r = 0; r < kh; r++)
        for (let s = 0; s < kw; s++) y[((a * kh + r) * kw + s) * i + b] = x[((a * i + b) * kh + r) * kw + s]!;
  return y;
}

/**
 * Reorders the rows of a dense weight `[C·H·W, out]` that follows a CHW flatten so it follows an HWC
 * flatten instead (what NHWC libraries produce when they flatten a feature map).
 */
export function chwRowsToHwc(wt: ArrayLike<number>, c: number, h: number, w: number, out: number): Float32Array {
  const y = new Float32Array(c * h * w * out);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const from = ((ch * h + i) * w + j) * out;
        const to = ((i * w + j) * c + ch) * out;
        for (let k = 0; k < out; k++) y[to + k] = wt[from + k]!;
      }
  return y;
}

/** LeNet-5 parameters in canonical layouts (conv OIHW, dense `[in, out]`). */
export type LenetParams = {
  readonly c1w: Float32Array;
  readonly c1b: Float32Array;
  readonly c2w: Float32Array;
  readonly c2b: Float32Array;
  readonly f1w: Float32Array;
  readonly f1b: Float32Array;
  readonly f2w: Float32Array;
  readonly f2b: Float32Array;
  readonly f3w: Float32Array;
  readonly f3b: Float32Array;
};

/** Parameter names in a fixed order (the order runners read them back in). */
export const LENET_KEYS = ['c1w', 'c1b', 'c2w', 'c2b', 'f1w', 'f1b', 'f2w', 'f2b', 'f3w', 'f3b'] as const;

/** Learning rate of the benchmarked SGD step. */
export const LENET_LR = 0.05;

/** He-uniform-style initial LeNet-5 weights, the same for every implementation. */
export function lenetInit(seed = 7): LenetParams {
  const he = (n: number, fanIn: number, s: number): Float32Array => uniform(n, s, Math.sqrt(6 / fanIn));
  return {
    c1w: he(6 * 25, 25, seed + 1),
    c1b: uniform(6, seed + 2, 0.05),
    c2w: he(16 * 6 * 25, 150, seed + 3),
    c2b: uniform(16, seed + 4, 0.05),
    f1w: he(400 * 120, 400, seed + 5),
    f1b: uniform(120, seed + 6, 0.05),
    f2w: he(120 * 84, 120, seed + 7),
    f2b: uniform(84, seed + 8, 0.05),
    f3w: he(84 * 10, 84, seed + 9),
    f3b: uniform(10, seed + 10, 0.05),
  };
}

/** One synthetic MNIST-shaped batch: images `[B, 1, 28, 28]` in [0, 1) and labels. */
export function lenetBatch(batch: number, seed = 11): { readonly x: Float32Array; readonly y: Int32Array } {
  const x = uniform(batch * 784, seed, 0.5).map((v) => v + 0.5);
  return { x, y: labels(batch, seed + 1) };
}

/**
 * A LeNet-5 trainer on one implementation: `step` runs forward, backward and the SGD update on a batch
 * (`x` `[B, 1, 28, 28]` canonical, labels `y`) and reads back the loss; `params` reads back the weights.
 */
export interface LenetTrainer {
  step(x: Float32Array, y: Int32Array): number | Promise<number>;
  params(): readonly ArrayLike<number>[];
  dispose(): void;
}
