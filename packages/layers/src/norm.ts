/** @file batchNorm (1-d and 2-d, PyTorch semantics and state_dict names) and localResponseNorm (AlexNet). */
import {
  add,
  avgPool2d,
  batchNorm as batchNormOp,
  checkBoolean,
  checkInt,
  checkNumber,
  checkOptions,
  checkResultSize,
  div,
  fmt,
  full,
  type Key,
  mul,
  pad,
  pow,
  reshape,
  rsqrt,
  split,
  square,
  sub,
  type Tensor,
} from '@tapenet/autodiff';
import { constant, ones, type Initializer, zeros } from './init.js';
import { checkInit, dtypeOf, EMPTY, layerError, single, sizeOf, stateless } from './internal.js';
import type { Empty, Layer, LayerInfo } from './types.js';

/** batchNorm parameters (absent when `affine: false`): per-channel scale and shift. */
export type BatchNormParams = { readonly weight: Tensor; readonly bias: Tensor } | Empty;

/** batchNorm state, named as PyTorch's buffers: running statistics and an int32 step counter (shape []). */
export type BatchNormState = {
  readonly running_mean: Tensor;
  readonly running_var: Tensor;
  readonly num_batches_tracked: Tensor;
};

export type BatchNormConfig = {
  /** Weight of the new batch statistic in the running average (default 0.1, as PyTorch); null: cumulative average. */
  readonly momentum?: number | null;
  /** Added to the variance (default 1e-5). */
  readonly eps?: number;
  /** Learn `weight` and `bias` (default true). */
  readonly affine?: boolean;
  readonly init?: { readonly weight?: Initializer; readonly bias?: Initializer };
};

function plan(c: BatchNormConfig, inShape: readonly number[] | readonly (readonly number[])[]): LayerInfo {
  const s = single('batchNorm', inShape, [1, 2, 3], '[C], [C, L] or [C, H, W]');
  if (s[0]! < 1) throw layerError('batchNorm', 'inShape', `${fmt(s)} has no channels`);
  const m = c.momentum ?? 0.1;
  if (c.momentum !== null && !(m >= 0 && m <= 1)) throw layerError('batchNorm', 'momentum', `${m} must lie in [0, 1]`);
  if (!((c.eps ?? 1e-5) >= 0)) throw layerError('batchNorm', 'eps', `${c.eps} must be non-negative`);
  const ch = [s[0]!];
  return {
    type: 'batchNorm',
    outShape: s,
    params: c.affine === false ? EMPTY : { weight: ch, bias: ch },
    state: { running_mean: ch, running_var: ch, num_batches_tracked: [] },
    flops: 0,
  };
}

/**
 * Batch normalisation over every axis but the channel axis 1 (torch.nn.BatchNorm1d for `[N, C]` and
 * `[N, C, L]`, BatchNorm2d for `[N, C, H, W]`): `y = (x − μ)/√(σ² + eps)·weight + bias`.
 * Training uses the batch mean μ and biased variance σ² (dividing by n = N·H·W) and returns the state
 * with `running = (1 − m)·running + m·batch`, where the running variance takes the unbiased
 * `σ²·n/(n − 1)`, and `num_batches_tracked + 1`. Evaluation uses the running statistics. The given
 * state is never mutated, and the running statistics carry no gradient.
 * @example const { y, state: next } = batchNorm().apply(params, state, x, { train: true });
 */
export function batchNorm(config?: BatchNormConfig): Layer<BatchNormParams, BatchNormState> {
  const c = checkOptions('batchNorm', 'config', config);
  if (c.momentum !== null) checkNumber('batchNorm', 'momentum', c.momentum ?? 0.1);
  checkNumber('batchNorm', 'eps', c.eps ?? 1e-5);
  checkBoolean('batchNorm', 'affine', c.affine ?? true);
  checkInit('batchNorm', c.init);
  const eps = c.eps ?? 1e-5;
  return {
    describe: (inShape) => plan(c, inShape),
    init: (key, inShape, opts) => {
      const info = plan(c, inShape);
      const ch = (inShape as readonly number[])[0]!;
      const dtype = dtypeOf(opts);
      const fans = { fanIn: ch, fanOut: ch, dtype };
      const [kw, kb] = split(key, 2) as [Key, Key];
      const params: BatchNormParams =
        c.affine === false
          ? EMPTY
          : { weight: (c.init?.weight ?? ones)(kw, [ch], fans), bias: (c.init?.bias ?? zeros)(kb, [ch], fans) };
      const state = {
        running_mean: constant(0)(key, [ch], fans),
        running_var: constant(1)(key, [ch], fans),
        num_batches_tracked: full([], 0, 'int32'),
      };
      return { params, state, outShape: info.outShape as readonly number[] };
    },
    apply: (p, state, x, ctx) => {
      if (x.rank < 2 || x.rank > 4)
        throw layerError('batchNorm', 'x', `has shape ${fmt(x.shape)}; expected [N, C], [N, C, L] or [N, C, H, W]`);
      const ch = x.shape[1]!;
      const affine = 'weight' in p && p.weight !== undefined;
      if (ctx.train) {
        const n = sizeOf(x.shape) / ch;
        if (n < 2)
          throw layerError(
            'batchNorm',
            'x',
            `has shape ${fmt(x.shape)}: training needs more than one value per channel`,
          );
        // One fused op; without affine parameters it scales by 1 and shifts by 0.
        const weight = affine ? p.weight : full([ch], 1, x.dtype);
        const bias = affine ? p.bias : full([ch], 0, x.dtype);
        const { y, mean: mu, variance: v } = batchNormOp(x, weight, bias, { eps });
        // The counter is read only for the cumulative average (momentum null): reading it is a copy out of
        // a backend's memory every step.
        const m = c.momentum === null ? 1 / (state.num_batches_tracked.item() + 1) : (c.momentum ?? 0.1);
        // The batch statistics carry no gradient, so neither does the running state.
        const blend = (running: Tensor, batch: Tensor): Tensor => add(mul(running, 1 - m), mul(batch, m));
        const next = {
          running_mean: blend(state.running_mean, mu),
          running_var: blend(state.running_var, mul(v, n / (n - 1))),
          num_batches_tracked: add(state.num_batches_tracked, full([], 1, 'int32')),
        };
        return { y, state: next };
      }
      // Evaluation: (x − running_mean)·(weight/√(running_var + eps)) + bias, the per-channel factor formed
      // first so that the full-size tensor goes through one multiply and one add.
      const per = (t: Tensor): Tensor =>
        reshape(
          t,
          x.shape.map((d, i) => (i === 1 ? d : 1)),
        );
      const xc = sub(x, per(state.running_mean));
      const inv = rsqrt(add(per(state.running_var), eps));
      const y = affine ? add(mul(xc, mul(inv, per(p.weight))), per(p.bias)) : mul(xc, inv);
      return { y, state };
    },
  };
}

export type LocalResponseNormConfig = { readonly alpha?: number; readonly beta?: number; readonly k?: number };

/**
 * Local response normalisation across channels (torch.nn.LocalResponseNorm, used by AlexNet):
 * `y_c = x_c / (k + α/size · Σ_{c'} x_{c'}²)^β`, the sum over `c' ∈ [c − ⌊size/2⌋, c + ⌊(size − 1)/2⌋]`
 * (out-of-range channels count as 0). Defaults α = 1e-4, β = 0.75, k = 1. Shape-preserving on `[C, ...]`.
 * @example localResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 }) // AlexNet
 */
export function localResponseNorm(size: number, config?: LocalResponseNormConfig): Layer {
  const layer = 'localResponseNorm';
  checkInt(layer, 'size', size, 1);
  const c = checkOptions(layer, 'config', config);
  const alpha = checkNumber(layer, 'alpha', c.alpha ?? 1e-4);
  const beta = checkNumber(layer, 'beta', c.beta ?? 0.75);
  const k = checkNumber(layer, 'k', c.k ?? 1);
  const shape = (s: readonly number[] | readonly (readonly number[])[]): readonly number[] => {
    const one = single(layer, s, [1, 2, 3], '[C], [C, L] or [C, H, W]');
    checkResultSize(layer, 'size', [one[0]! + size - 1, ...one.slice(1)]); // the channel-padded squares
    return one;
  };
  return stateless('localResponseNorm', shape, (x: Tensor) => {
    const [n, ch] = x.shape as [number, number];
    const rest = sizeOf(x.shape.slice(2));
    const sq = reshape(square(x), [n, 1, ch, rest]);
    const padded = pad(sq, [
      [0, 0],
      [0, 0],
      [Math.floor(size / 2), Math.floor((size - 1) / 2)],
      [0, 0],
    ]);
    const avg = reshape(avgPool2d(padded, [size, 1], { stride: 1 }), x.shape); // Σ/size over the channel window
    return div(x, pow(add(mul(avg, alpha), k), beta));
  });
}
