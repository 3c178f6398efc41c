/**
 * @file Activation maximisation and deep dream: gradient ascent on the input image, with the gradient
 * of the objective from tapenet's autodiff (`valueAndGrad` through the model), jitter (random shifts)
 * and periodic Gaussian blur as regularisers.
 * Reference: Olah, Mordvintsev, Schubert, "Feature Visualization", Distill 2017.
 */
import {
  abs,
  add,
  concat,
  dispose,
  fmt,
  foldIn,
  type Key,
  mean,
  mul,
  random,
  scope,
  type Shape,
  slice,
  square,
  type Tensor,
  valueAndGrad,
} from '@tapenet/autodiff';
import { applyFilter } from './filter.js';
import { gaussianBlur } from './kernels.js';

/** Regularisation and step options shared by {@link maximizeActivation} and {@link dream}. */
export type AscentOptions = {
  /** Gradient-ascent steps (default 64). */
  readonly steps?: number;
  /** Step size; each step moves `lr · g / mean|g|` (default 0.05). */
  readonly lr?: number;
  /** Largest random shift in pixels along each axis before each step, undone after it (default 1; 0 = none). */
  readonly jitter?: number;
  /** Blur the image with a 3x3 Gaussian every this many steps (default 4; 0 = never). */
  readonly blurEvery?: number;
  /** σ of that blur (default 0.5). */
  readonly blurSigma?: number;
  /** The PRNG key for the jitter (and for the starting noise of `maximizeActivation`). */
  readonly key?: Key;
};

/**
 * The result of an ascent: the final image, and the objective at each step (measured on the shifted image
 * the step used, so exactly the unshifted value when jitter is 0) plus its value at the final image.
 */
export type AscentResult = { readonly image: Tensor; readonly history: readonly number[] };

/** `x` rolled by `shift` along `axis` (wrapping around): built from slice and concat, so differentiable. */
export function roll(x: Tensor, shift: number, axis: number): Tensor {
  const n = x.shape[axis]!;
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const begin = x.shape.map(() => 0);
  const head = slice(x, begin.with(axis, n - s), x.shape.with(axis, s));
  const tail = slice(x, begin, x.shape.with(axis, n - s));
  return concat([head, tail], axis);
}

const positiveInt = (fn: string, arg: string, v: number, min: number): void => {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${fn}: ${arg} must be an integer ≥ ${min}, got ${v}`);
};

/**
 * Gradient ascent of `objective` (image `[1, C, H, W]` → scalar) from `start`. Each step: shift the
 * image by a random `(dy, dx)` within ±jitter, take the gradient there, shift it back, step along it
 * normalised by its mean absolute value, and every `blurEvery` steps blur the image.
 * Without jitter and blur each step raises any convex objective (e.g. a mean of ReLU activations of a
 * conv layer), so `history` never decreases.
 */
export function ascend(objective: (x: Tensor) => Tensor, start: Tensor, options: AscentOptions = {}): AscentResult {
  const fn = 'ascend';
  const steps = options.steps ?? 64;
  const lr = options.lr ?? 0.05;
  const jitter = options.jitter ?? 1;
  const blurEvery = options.blurEvery ?? 4;
  positiveInt(fn, 'steps', steps, 0);
  positiveInt(fn, 'jitter', jitter, 0);
  positiveInt(fn, 'blurEvery', blurEvery, 0);
  if (!(lr > 0)) throw new RangeError(`${fn}: lr must be > 0, got ${lr}`);
  if (start.rank !== 4 || start.shape[0] !== 1) {
    throw new RangeError(`${fn}: start has shape ${fmt(start.shape)}; expected one image [1, C, H, W]`);
  }
  if (jitter > 0 && options.key === undefined) throw new RangeError(`${fn}: jitter needs a key`);
  const blur = blurEvery > 0 ? gaussianBlur(3, options.blurSigma ?? 0.5) : undefined;
  const step = valueAndGrad(objective);
  const history: number[] = [];
  let x = start;
  for (let t = 0; t < steps; t++) {
    // One scope per step: its intermediates are released at once, and so is the image it replaced
    // (never the caller's start image).
    const next = scope(() => {
      const [dy, dx] =
        jitter > 0 && options.key !== undefined
          ? Array.from(random.randint(foldIn(options.key, t), [2], -jitter, jitter + 1).data())
          : [0, 0];
      const shifted = roll(roll(x, dy!, 2), dx!, 3);
      const [value, g] = step(shifted);
      const back = roll(roll(g, -dy!, 2), -dx!, 3);
      const norm = mean(abs(back)).item();
      let y = norm > 0 ? add(x, mul(back, lr / norm)) : x;
      if (blur !== undefined && (t + 1) % blurEvery === 0) y = applyFilter(y, blur, { edge: 'extend' });
      return { image: y, value: value.item() };
    });
    history.push(next.value);
    if (x !== start) dispose(x, { keep: next.image });
    x = next.image;
  }
  history.push(objective(x).item());
  return { image: x, history };
}

/** The mean of channel `channel` of an activation `[1, K, ...]` (a conv map or a dense unit). */
export function channelMean(act: Tensor, channel: number): Tensor {
  const k = act.shape[1];
  if (act.rank < 2 || k === undefined || !Number.isInteger(channel) || channel < 0 || channel >= k) {
    throw new RangeError(`channelMean: channel ${channel} is not in [0, ${k ?? 0}) for activation ${fmt(act.shape)}`);
  }
  const begin = act.shape.map((_, i) => (i === 1 ? channel : 0));
  return mean(slice(act, begin, act.shape.with(1, 1)));
}

/** Options of {@link maximizeActivation}. */
export type MaximizeOptions = AscentOptions & {
  /**
   * The model up to the layer of interest: image `[1, C, H, W]` → activation `[1, K, ...]`, e.g.
   * `(x) => forwardTo(model, params, state, x, 'layer1.0.conv1')` with `forwardTo` from @tapenet/layers.
   */
  readonly forward: (x: Tensor) => Tensor;
  /** The channel (or unit) whose mean activation is raised. */
  readonly channel: number;
  /** The input image shape `[C, H, W]`. */
  readonly shape: Shape;
  /** The key: starting noise from `foldIn(key, 0)`, jitter from `foldIn(key, 1)`. */
  readonly key: Key;
  /** Standard deviation of the starting Gaussian noise (default 1: inputs are normalised to unit variance). */
  readonly noise?: number;
};

/**
 * Activation maximisation: starting from keyed noise, finds an input that makes `channel` of the layer
 * fire strongly, by gradient ascent on the channel's mean activation with respect to the input.
 * @example maximizeActivation({ forward: (x) => forwardTo(lenet, params, state, x, 'relu2'), channel: 3, shape: [1, 28, 28], key: key(0) })
 */
export function maximizeActivation(options: MaximizeOptions): AscentResult {
  const { forward, channel, shape, key } = options;
  if (shape.length !== 3) throw new RangeError(`maximizeActivation: shape ${fmt(shape)} must be [C, H, W]`);
  const start = random.normal(foldIn(key, 0), [1, ...shape], 0, options.noise ?? 1);
  return ascend((x) => channelMean(forward(x), channel), start, { ...options, key: foldIn(key, 1) });
}

/** Options of {@link dream}. */
export type DreamOptions = AscentOptions & {
  /** The model up to the layer to amplify: image `[1, C, H, W]` → activation. */
  readonly forward: (x: Tensor) => Tensor;
  /** The starting image `[1, C, H, W]`. */
  readonly image: Tensor;
};

/**
 * Deep dream: amplifies whatever a layer already sees in a real image, by gradient ascent on the mean
 * squared activation of the layer (`mean(a²)`), starting from the image.
 * @example dream({ forward: (x) => forwardTo(lenet, params, state, x, 'relu2'), image: digit, key: key(1) })
 */
export function dream(options: DreamOptions): AscentResult {
  const opts: AscentOptions = { blurEvery: 0, ...options };
  return ascend((x) => mean(square(options.forward(x))), options.image, opts);
}
