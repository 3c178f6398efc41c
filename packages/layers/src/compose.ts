/** @file Bridges from layers to plain functions, so models compose with fp-ts `pipe` and `flow`. */
import type { Tensor } from '@tapenet/autodiff';
import type { Acts, Ctx, Layer } from './types.js';

/**
 * The forward pass with fixed params, state and context as a plain function `x ↦ y` (the next state is
 * dropped; use it for inference or for composing with fp-ts).
 * @example flow(toFn(encoder, e.params, e.state, { train: false }), toFn(head, h.params, h.state, { train: false }))(x)
 */
export const toFn =
  <P, S, I extends Acts = Tensor, O extends Acts = Tensor>(
    layer: Layer<P, S, I, O>,
    params: P,
    state: S,
    ctx: Ctx,
  ): ((x: I) => O) =>
  (x) =>
    layer.apply(params, state, x, ctx).y;
