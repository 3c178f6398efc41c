/** @file Inverted dropout. */
import { checkNumber, div, mul, random, type Tensor } from '@tapenet/autodiff';
import { layerError, one, stateless } from './internal.js';
import type { Layer } from './types.js';

/**
 * Inverted dropout: in training, each element is kept with probability `1 − p` and scaled by `1/(1 − p)`
 * (zeroed when p = 1), so the expected activation is unchanged; identity when `train: false`.
 * The mask comes from `ctx.key`, which must be given in training mode (combinators fold a per-child key
 * into it, so two dropout layers in one model draw different masks).
 * @example dropout(0.5).apply({}, {}, x, { train: true, key: key(1) })
 */
export function dropout(p: number): Layer {
  if (!(checkNumber('dropout', 'p', p) >= 0 && p <= 1)) throw layerError('dropout', 'p', `${p} must lie in [0, 1]`);
  return stateless(
    'dropout',
    (s) => one('dropout', s),
    (x: Tensor, ctx) => {
      if (!ctx.train || p === 0) return x;
      if (ctx.key === undefined) {
        throw new Error(`dropout(${p}): training mode needs a PRNG key: apply(params, state, x, { train: true, key })`);
      }
      const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
      const keep = random.bernoulli(ctx.key, x.shape, 1 - p, { dtype });
      return p === 1 ? mul(x, keep) : div(mul(x, keep), 1 - p);
    },
  );
}
