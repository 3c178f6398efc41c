/** @file Sliding-window geometry shared by conv2d, locallyConnected2d and pooling: padding and output size. */
import { fmt, type PaddingSpec, resolvePadding, type Shape } from '@tapenet/autodiff';
import { checkInts, layerError, type Pair, pair, windowOut } from './internal.js';

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

/**
 * Resolves kernel, stride, padding and dilation for an input `[C, H, W]` and checks that the output
 * is at least 1x1: `out = ⌊(n + padBefore + padAfter − dilation·(k − 1) − 1)/stride⌋ + 1`.
 * 'same' pads to `⌈n/stride⌉` outputs (odd padding at the bottom/right, as TensorFlow).
 */
export function windowOf(
  layer: string,
  inShape: Shape,
  k: number | Pair,
  s: number | Pair,
  p: Padding,
  d: number | Pair,
): Window {
  const kernel = pair(k);
  const stride = pair(s);
  const dilation = pair(d);
  checkInts(layer, 'kernel', kernel);
  checkInts(layer, 'stride', stride);
  checkInts(layer, 'dilation', dilation);
  if (typeof p !== 'string') checkInts(layer, 'padding', p, 0);
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
  return { kernel, stride, dilation, pads, out };
}
