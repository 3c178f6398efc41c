/** @file dense (fully connected, torch.nn.Linear layout) and flatten. */
import {
  add,
  checkBoolean,
  checkInt,
  checkOptions,
  checkResultSize,
  flatten as flattenOp,
  fmt,
  type Key,
  matmul,
  split,
  type Tensor,
} from '@tapenet/autodiff';
import { fansOf } from './fans.js';
import { torchDefaultBias, torchDefaultWeight, type WeightBiasInit } from './init.js';
import { checkInit, dtypeOf, EMPTY, layerError, one, single, sizeOf, stateless } from './internal.js';
import type { Empty, Layer, LayerInfo } from './types.js';

/** dense parameters: weight `[units, in]` (as torch.nn.Linear), bias `[units]`. */
export type DenseParams = { readonly weight: Tensor; readonly bias?: Tensor };

export type DenseConfig = {
  /** Default true. */
  readonly bias?: boolean;
  /** Default: PyTorch's (`U(±1/√in)` for both). */
  readonly init?: WeightBiasInit;
};

function plan(units: number, cfg: DenseConfig, inShape: readonly number[] | readonly (readonly number[])[]): LayerInfo {
  const s = single('dense', inShape, 'any', '[..., in]');
  const inF = s[s.length - 1]!;
  if (inF < 1) throw layerError('dense', 'inShape', `${fmt(s)} has no input features`);
  const weight = [units, inF];
  checkResultSize('dense', 'units', weight);
  return {
    type: 'dense',
    outShape: [...s.slice(0, -1), units],
    params: cfg.bias === false ? { weight } : { weight, bias: [units] },
    state: EMPTY,
    flops: 2 * inF * units * sizeOf(s.slice(0, -1)),
  };
}

/**
 * Fully connected layer on the last axis: `y = x·Wᵀ + b`, x `[N, ..., in]` → `[N, ..., units]`, with W
 * stored `[units, in]` like torch.nn.Linear (so checkpoints load as they are). FLOPs `2·in·units` per row.
 * @example dense(10).init(key(0), [84]).params.weight.shape // [10, 84]
 */
export function dense(units: number, config?: DenseConfig): Layer<DenseParams, Empty> {
  checkInt('dense', 'units', units, 1);
  const cfg = checkOptions('dense', 'config', config);
  checkBoolean('dense', 'bias', cfg.bias ?? true);
  checkInit('dense', cfg.init);
  const initW = cfg.init?.weight ?? torchDefaultWeight;
  const initB = cfg.init?.bias ?? torchDefaultBias;
  return {
    describe: (inShape) => plan(units, cfg, inShape),
    init: (key, inShape, opts) => {
      const info = plan(units, cfg, inShape);
      const inF = (info.params as { weight: readonly number[] }).weight[1]!;
      const fans = { ...fansOf([units, inF]), dtype: dtypeOf(opts) };
      const [kw, kb] = split(key, 2) as [Key, Key];
      const weight = initW(kw, [units, inF], fans);
      const params = cfg.bias === false ? { weight } : { weight, bias: initB(kb, [units], fans) };
      return { params, state: EMPTY, outShape: info.outShape as readonly number[] };
    },
    apply: (p, state, x) => {
      const y = matmul(x, p.weight, { transposeB: true });
      return { y: p.bias === undefined ? y : add(y, p.bias), state };
    },
  };
}

/** Flattens each example to a vector: `[N, d1, d2, ...]` → `[N, d1·d2·...]` (torch.nn.Flatten). */
export const flatten: Layer = stateless(
  'flatten',
  (s) => [sizeOf(one('flatten', s))],
  (x: Tensor) => flattenOp(x, 1),
);
