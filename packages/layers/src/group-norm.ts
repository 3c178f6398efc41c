/**
 * @file layerNorm, groupNorm and instanceNorm layers (PyTorch's modules and parameter names; the maths is
 * `F.layerNorm`, `F.groupNorm`, `F.instanceNorm` in normalize.ts). They use the statistics of the example
 * itself, so training and evaluation agree and there is no state.
 */
import {
  checkBoolean,
  checkInt,
  checkInts,
  checkNumber,
  checkOptions,
  fmt,
  type Key,
  split,
  type Tensor,
} from '@tapenet/autodiff';
import { type Initializer, ones, zeros } from './init.js';
import { checkInit, dtypeOf, EMPTY, layerError, one, single } from './internal.js';
import { groupNorm as groupNormFn, instanceNorm as instanceNormFn, layerNorm as layerNormFn } from './normalize.js';
import type { Empty, Layer, LayerInfo, ShapeOf } from './types.js';

/** Per-element (layerNorm) or per-channel scale and shift; absent without affine parameters. */
export type AffineParams = { readonly weight: Tensor; readonly bias: Tensor } | { readonly weight: Tensor } | Empty;

type AffineConfig = {
  readonly eps?: number;
  readonly init?: { readonly weight?: Initializer; readonly bias?: Initializer };
};

/** A normalisation layer with optional `{ weight, bias }` of shape `paramShape(inShape)`. */
function affineLayer(
  type: string,
  c: AffineConfig,
  withWeight: boolean,
  withBias: boolean,
  plan: (inShape: readonly number[]) => readonly number[],
  fn: (x: Tensor, p: { weight?: Tensor; bias?: Tensor }) => Tensor,
): Layer<AffineParams, Empty> {
  checkInit(type, c.init);
  const eps = checkNumber(type, 'eps', c.eps ?? 1e-5);
  if (!(eps >= 0)) throw layerError(type, 'eps', `${eps} must be non-negative`);
  const describe = (inShape: ShapeOf<Tensor>): LayerInfo => {
    const s = one(type, inShape);
    const ps = plan(s);
    return {
      type,
      outShape: s,
      params: withWeight ? (withBias ? { weight: ps, bias: ps } : { weight: ps }) : EMPTY,
      state: EMPTY,
      flops: 0,
    };
  };
  return {
    describe,
    init: (key: Key, inShape, opts) => {
      const info = describe(inShape);
      const ps = plan(inShape as readonly number[]);
      const size = ps.reduce((a, b) => a * b, 1);
      const fans = { fanIn: size, fanOut: size, dtype: dtypeOf(opts) };
      const [kw, kb] = split(key, 2) as [Key, Key];
      const weight = (c.init?.weight ?? ones)(kw, ps, fans);
      const params: AffineParams = withWeight
        ? withBias
          ? { weight, bias: (c.init?.bias ?? zeros)(kb, ps, fans) }
          : { weight }
        : EMPTY;
      return { params, state: EMPTY, outShape: info.outShape as readonly number[] };
    },
    apply: (p, state, x) => ({ y: fn(x, p as { weight?: Tensor; bias?: Tensor }), state }),
  };
}

export type LayerNormConfig = AffineConfig & {
  /** Learn `weight` (and `bias`) of shape `normalizedShape` (default true, PyTorch's `elementwise_affine`). */
  readonly elementwiseAffine?: boolean;
  /** Learn `bias` too (default true). */
  readonly bias?: boolean;
};

/**
 * torch.nn.LayerNorm: normalises each example over its trailing dims `normalizedShape` (a number: the
 * last dim), `y = (x − μ)/√(σ² + eps)·weight + bias`, biased σ²; params `{ weight, bias }` of shape
 * `normalizedShape` (ones and zeros).
 * @example serial(dense(64), layerNorm(64))
 */
export function layerNorm(
  normalizedShape: number | readonly number[],
  config?: LayerNormConfig,
): Layer<AffineParams, Empty> {
  const type = 'layerNorm';
  const shape =
    typeof normalizedShape === 'number'
      ? [checkInt(type, 'normalizedShape', normalizedShape, 1)]
      : checkInts(type, 'normalizedShape', normalizedShape, 1);
  if (shape.length === 0) throw layerError(type, 'normalizedShape', 'is empty');
  const c = checkOptions(type, 'config', config);
  const affine = checkBoolean(type, 'elementwiseAffine', c.elementwiseAffine ?? true);
  const bias = checkBoolean(type, 'bias', c.bias ?? true);
  const eps = c.eps ?? 1e-5;
  return affineLayer(
    type,
    c,
    affine,
    bias,
    (s) => {
      const tail = s.slice(s.length - shape.length);
      if (shape.length > s.length || tail.some((d, i) => d !== shape[i]))
        throw layerError(type, 'inShape', `${fmt(s)} must end with normalizedShape ${fmt(shape)}`);
      return shape;
    },
    (x, p) => layerNormFn(x, shape, { weight: p.weight, bias: p.bias, eps }),
  );
}

export type GroupNormConfig = AffineConfig & {
  /** Learn per-channel `weight` and `bias` (default true, as torch.nn.GroupNorm). */
  readonly affine?: boolean;
};

/** Channels `[C, ...]` (batch dim excluded), at least one position axis unless `minRank` is 1. */
function channels(type: string, s: readonly number[], minRank: number): readonly number[] {
  const ranks = [1, 2, 3, 4].filter((r) => r >= minRank);
  single(type, s, ranks, minRank > 1 ? '[C, L] or [C, H, W]' : '[C], [C, L] or [C, H, W]');
  return [s[0]!];
}

/**
 * torch.nn.GroupNorm: the C channels split into `numGroups` consecutive groups, each example normalised
 * per group over its channels and positions; params `{ weight, bias }` per channel `[C]`.
 * @example serial(conv2d({ out: 32, kernel: 3, padding: 1 }), groupNorm(8), relu)
 */
export function groupNorm(numGroups: number, config?: GroupNormConfig): Layer<AffineParams, Empty> {
  const type = 'groupNorm';
  checkInt(type, 'numGroups', numGroups, 1);
  const c = checkOptions(type, 'config', config);
  const affine = checkBoolean(type, 'affine', c.affine ?? true);
  const eps = c.eps ?? 1e-5;
  return affineLayer(
    type,
    c,
    affine,
    affine,
    (s) => {
      const ch = channels(type, s, 1);
      if (ch[0]! % numGroups !== 0)
        throw layerError(type, 'numGroups', `${numGroups} must divide the ${ch[0]} channels of inShape ${fmt(s)}`);
      return ch;
    },
    (x, p) => groupNormFn(x, numGroups, { weight: p.weight, bias: p.bias, eps }),
  );
}

export type InstanceNormConfig = AffineConfig & {
  /** Learn per-channel `weight` and `bias` (default false, as torch.nn.InstanceNorm2d). */
  readonly affine?: boolean;
};

/**
 * torch.nn.InstanceNorm1d/2d without running statistics (`track_running_stats=False`, PyTorch's
 * default): each example and channel normalised over its positions, in training and evaluation alike;
 * with `affine: true`, params `{ weight, bias }` per channel `[C]`.
 */
export function instanceNorm(config?: InstanceNormConfig): Layer<AffineParams, Empty> {
  const type = 'instanceNorm';
  const c = checkOptions(type, 'config', config);
  const affine = checkBoolean(type, 'affine', c.affine ?? false);
  const eps = c.eps ?? 1e-5;
  return affineLayer(
    type,
    c,
    affine,
    affine,
    (s) => channels(type, s, 2),
    (x, p) => instanceNormFn(x, { weight: p.weight, bias: p.bias, eps }),
  );
}
