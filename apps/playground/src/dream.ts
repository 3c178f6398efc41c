/**
 * @file Activation maximisation and a small deep dream on the trained LeNet-5, with @tapenet/vis's
 * `maximizeActivation` and `dream` (gradient ascent on the input through tapenet's autodiff).
 */
import { key, type Tensor, tensor } from '@tapenet/autodiff';
import { forwardTo } from '@tapenet/layers';
import { dream, maximizeActivation } from '@tapenet/vis';
import type { Trainer } from './trainer.js';

/** The input that makes `channel` of `layer` fire most, from keyed noise: `[28·28]` floats. */
export function maximize(t: Trainer, layer: string, channel: number, steps = 40): Float32Array {
  const forward = (x: Tensor) => forwardTo(t.model, t.params, t.state, x, layer);
  const r = maximizeActivation({ forward, channel, shape: [1, 28, 28], key: key(channel), steps, lr: 0.05, jitter: 1 });
  return r.image.data() as Float32Array;
}

/** Deep dream: amplifies what `layer` sees in `digit` (`[784]`, normalised). */
export function dreamOn(t: Trainer, digit: Float32Array, layer: string, steps = 20): Float32Array {
  const forward = (x: Tensor) => forwardTo(t.model, t.params, t.state, x, layer);
  const image = tensor(digit, { shape: [1, 1, 28, 28] });
  return dream({ forward, image, key: key(7), steps, lr: 0.05, jitter: 1 }).image.data() as Float32Array;
}
