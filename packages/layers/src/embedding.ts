/** @file The embedding layer (torch.nn.Embedding) and dropout2d (torch.nn.Dropout2d, whole channels). */
import { checkInt, checkNumber, div, fmt, type Key, mul, random, type Tensor } from '@tapenet/autodiff';
import { type Initializer, normal } from './init.js';
import { checkInit, dtypeOf, EMPTY, layerError, one, stateless } from './internal.js';
import { embedding as lookup } from './lookup.js';
import type { Empty, Layer, LayerInfo } from './types.js';

export type EmbeddingParams = { readonly weight: Tensor };

/**
 * A learned lookup table (torch.nn.Embedding): int32 indices `[N, ...]` → `[N, ..., dim]`; params
 * `{ weight: [num, dim] }`, initialised `N(0, 1)` as PyTorch. The gradient reaches only the rows used.
 * @example embedding(1000, 64).describe([12]).outShape // [12, 64]
 */
export function embedding(
  num: number,
  dim: number,
  config?: { readonly init?: { readonly weight?: Initializer } },
): Layer<EmbeddingParams, Empty> {
  const layer = 'embedding';
  checkInt(layer, 'num', num, 1);
  checkInt(layer, 'dim', dim, 1);
  checkInit(layer, config?.init);
  const init = config?.init?.weight ?? normal();
  const describe = (inShape: readonly number[] | readonly (readonly number[])[]): LayerInfo => ({
    type: layer,
    outShape: [...one(layer, inShape), dim],
    params: { weight: [num, dim] },
    state: EMPTY,
    flops: 0,
  });
  return {
    describe,
    init: (key: Key, inShape, opts) => ({
      params: { weight: init(key, [num, dim], { fanIn: dim, fanOut: num, dtype: dtypeOf(opts) }) },
      state: EMPTY,
      outShape: describe(inShape).outShape as readonly number[],
    }),
    apply: (p, state, x) => ({ y: lookup(x, p.weight), state }),
  };
}

/**
 * Channel dropout (torch.nn.Dropout2d): in training each channel of each example is zeroed with
 * probability p as a whole, and the kept ones scaled by `1/(1 − p)`; identity when `train: false`.
 * Inputs `[N, C, ...]` with at least one position axis; the mask comes from `ctx.key` (required in training).
 * @example dropout2d(0.2).apply({}, {}, x, { train: true, key: key(1) })
 */
export function dropout2d(p: number): Layer {
  const layer = 'dropout2d';
  if (!(checkNumber(layer, 'p', p) >= 0 && p <= 1)) throw layerError(layer, 'p', `${p} must lie in [0, 1]`);
  const shape = (s: readonly number[] | readonly (readonly number[])[]): readonly number[] => {
    const x = one(layer, s);
    if (x.length < 2) throw layerError(layer, 'inShape', `${fmt(x)} needs channels and positions: [C, L] or [C, H, W]`);
    return x;
  };
  return stateless(layer, shape, (x: Tensor, ctx) => {
    shape(x.shape.slice(1));
    if (!ctx.train || p === 0) return x;
    if (ctx.key === undefined)
      throw new Error(`dropout2d(${p}): training mode needs a PRNG key: apply(params, state, x, { train: true, key })`);
    const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
    const maskShape = x.shape.map((d, i) => (i < 2 ? d : 1));
    const keep = random.bernoulli(ctx.key, maskShape, 1 - p, { dtype });
    return p === 1 ? mul(x, keep) : div(mul(x, keep), 1 - p);
  });
}
