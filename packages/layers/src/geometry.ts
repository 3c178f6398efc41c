/** @file Sliding-window geometry shared by conv2d, locallyConnected2d and pooling: padding and output size. */
import {
  checkPadding,
  checkPair,
  checkResultSize,
  fmt,
  type PaddingSpec,
  resolvePadding,
  type Shape,
} from '@tapenet/autodiff';
import { layerError, type Pair, windowOut } from './internal.js';

/** Padding of a window layer: a number, `[h, w]`, `[top, bottom, left, right]`, 'same' or 'valid'. */
export type Padding = PaddingSpec;

/** A resolved window: padding `[top, bottom, left, right]` and output size. */
export type Window = {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly dilation: Pair;
  readonly pads: readonly [number, number, number, number];
  readonly out: Pair;
};

export const PADDING_NAMES = ['same', 'valid'] as const;

/**
 * Validates a window's kernel, stride and dilation (integers ≥ 1, or pairs of them) and its padding
 * (integers ≥ 0, `[h, w]`, `[top, bottom, left, right]`, or one of `strings`): for layer constructors,
 * so a bad config fails where it is written.
 */
export function checkWindow(
  layer: string,
  k: unknown,
  s: unknown,
  p: unknown,
  d: unknown,
  strings: readonly string[] = [],
): { kernel: Pair; stride: Pair; dilation: Pair } {
  const kernel = checkPair(layer, 'kernel', k);
  const stride = checkPair(layer, 'stride', s);
  const dilation = checkPair(layer, 'dilation', d);
  checkPadding(layer, 'padding', p, strings);
  return { kernel, stride, dilation };
}

/**
 * Resolves kernel, stride, padding and dilation for an input `[C, H, W]` and checks that the output
 * is at least 1x1: `out = ⌊(n + padBefore + padAfter − dilation·(k − 1) − 1)/stride⌋ + 1`.
 * 'same' pads to `⌈n/stride⌉` outputs (odd padding at the bottom/right, as TensorFlow).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export function windowOf(
  layer: string,
  inShape: Shape,
  k: number | Pair,
  s: number | Pair,
  p: Padding,
  d: number | Pair,
): Window {
  const { kernel, stride, dilation } = checkWindow(layer, k, s, p, d, PADDING_NAMES);
  const h = inShape[1]!;
  const w = inShape[2]!;
  const pads = resolvePadding(p, [h, w], kernel, stride, dilation);
  const out: Pair = [
    windowOut(h, kernel[0], stride[0], pads[0] + pads[1], dilation[0]),
    windowOut(w, kernel[1], stride[1], pads[2] + pads[3], dilation[1]),
  ];
  if (out[0] < 1 || out[1] < 1) {
    const axis = out[0] < 1 ? 0 : 1;
    const [n, pb, pa] = axis === 0 ? [h, pads[0], pads[1]] : [w, pads[2], pads[3]];
    throw layerError(
      layer,
      'inShape',
      `${fmt(inShape)} is too small for kernel ${kernel.join('x')} (stride ${stride.join('x')}, padding [${pads.join(', ')}], ` +
        `dilation ${dilation.join('x')}): output ${axis === 0 ? 'height' : 'width'} ⌊(${n} + ${pb} + ${pa} − ${dilation[axis]}·(${kernel[axis]} − 1) − 1)/${stride[axis]}⌋ + 1 = ${out[axis]} < 1`,
    );
  }
  checkResultSize(layer, 'padding', [inShape[0]!, ...out]);
  return { kernel, stride, dilation, pads, out };
}
