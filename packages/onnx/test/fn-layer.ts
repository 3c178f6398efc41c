/** @file A parameterless test layer from a tensor function, to export single ops and small programs. */
import type { Shape, Tensor } from '@tapenet/autodiff';
import type { Layer } from '@tapenet/layers';

/**
 * A layer whose `apply` is `f(x)`; `describe` runs nothing and reports `outShape` (or the input shape).
 * Params and state are empty records.
 */
export function fnLayer(f: (x: Tensor) => Tensor, outShape?: (s: Shape) => Shape): Layer {
  const describe = (s: Shape) => ({ type: 'fn', outShape: outShape?.(s) ?? s, params: {}, state: {}, flops: 0 });
  return {
    describe: (s) => describe(s as Shape),
    init: (_k, s) => ({ params: {}, state: {}, outShape: describe(s as Shape).outShape }),
    apply: (_p, state, x) => ({ y: f(x), state }),
  } as Layer;
}
