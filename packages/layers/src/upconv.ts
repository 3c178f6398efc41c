/**
 * @file Layers that grow the spatial size, for decoders: convTranspose2d (torch.nn.ConvTranspose2d's
 * parameters and names) and upsample (torch.nn.Upsample, nearest or bilinear).
 */
import {
  checkBoolean,
  checkInt,
  checkOptions,
  checkPair,
  checkResultSize,
  convTranspose2d as convTranspose2dOp,
  fmt,
  type Key,
  split,
  type Tensor,
  upsample as upsampleOp,
  type UpsampleOptions,
} from '@tapenet/autodiff';
import { fansOf } from './fans.js';
import { type Initializer, torchDefaultBias, torchDefaultWeight, type WeightBiasInit } from './init.js';
import { checkConfig, checkInit, dtypeOf, EMPTY, layerError, type Pair, single, stateless } from './internal.js';
import type { Empty, Layer, LayerInfo } from './types.js';

/** convTranspose2d parameters: weight `[in, out/groups, kh, kw]` (as torch), bias `[out]`. */
export type ConvTransposeParams = { readonly weight: Tensor; readonly bias?: Tensor };

export type ConvTranspose2dConfig = {
  /** Output channels. */
  readonly out: number;
  readonly kernel: number | Pair;
  readonly stride?: number | Pair;
  /** Cropped from both sides of each axis (default 0). */
  readonly padding?: number | Pair;
  /** Extra rows/columns at the bottom/right, each below its stride (default 0). */
  readonly outputPadding?: number | Pair;
  readonly dilation?: number | Pair;
  readonly groups?: number;
  /** Default true. */
  readonly bias?: boolean;
  /** Default: PyTorch's (`U(±1/√fanIn)`, fanIn = out/groups·kh·kw from the weight's dim 1, as torch). */
  readonly init?: WeightBiasInit;
};

function plan(c: ConvTranspose2dConfig, inShape: readonly number[] | readonly (readonly number[])[]) {
  const layer = 'convTranspose2d';
  const [cin, h, w] = single(layer, inShape, [3], '[C, H, W]') as unknown as [number, number, number];
  const groups = c.groups ?? 1;
  if (cin % groups !== 0 || c.out % groups !== 0)
    throw layerError(
      layer,
      'groups',
      `${groups} must divide both the input channels ${cin} and the output channels ${c.out}`,
    );
  const k = checkPair(layer, 'kernel', c.kernel);
  const s = checkPair(layer, 'stride', c.stride ?? 1);
  const p = checkPair(layer, 'padding', c.padding ?? 0, 0);
  const op = checkPair(layer, 'outputPadding', c.outputPadding ?? 0, 0);
  const d = checkPair(layer, 'dilation', c.dilation ?? 1);
  if (op[0] >= s[0] || op[1] >= s[1])
    throw layerError(layer, 'outputPadding', `${op.join('x')} must be below the stride ${s.join('x')}`);
  const out = [h, w].map((n, i) => (n - 1) * s[i]! - 2 * p[i]! + d[i]! * (k[i]! - 1) + op[i]! + 1);
  if (out[0]! < 1 || out[1]! < 1)
    throw layerError(
      layer,
      'padding',
      `${p.join('x')} leaves an output of ${out.join('x')} for inShape ${fmt([cin, h, w])}`,
    );
  const wShape = [cin, c.out / groups, k[0], k[1]];
  checkResultSize(layer, 'out', wShape);
  const info: LayerInfo = {
    type: layer,
    outShape: [c.out, out[0]!, out[1]!],
    params: c.bias === false ? { weight: wShape } : { weight: wShape, bias: [c.out] },
    state: EMPTY,
    // every input element meets every tap of its group's out/groups filters
    flops: 2 * cin * h * w * (c.out / groups) * k[0] * k[1],
  };
  return { wShape, info, opts: { stride: s, padding: p, outputPadding: op, dilation: d, groups } };
}

/**
 * Transposed convolution layer (torch.nn.ConvTranspose2d): `[N, C, H, W]` → `[N, out, Ho, Wo]`,
 * `Ho = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1`. Params
 * `{ weight: [C, out/groups, kh, kw], bias: [out] }`.
 * @example convTranspose2d({ out: 16, kernel: 2, stride: 2 }).describe([32, 8, 8]).outShape // [16, 16, 16]
 */
export function convTranspose2d(c: ConvTranspose2dConfig): Layer<ConvTransposeParams, Empty> {
  const layer = 'convTranspose2d';
  checkConfig(layer, c);
  checkInt(layer, 'out', c.out, 1);
  checkPair(layer, 'kernel', c.kernel);
  checkInt(layer, 'groups', c.groups ?? 1, 1);
  checkBoolean(layer, 'bias', c.bias ?? true);
  checkInit(layer, c.init);
  const initW: Initializer = c.init?.weight ?? torchDefaultWeight;
  const initB: Initializer = c.init?.bias ?? torchDefaultBias;
  return {
    describe: (inShape) => plan(c, inShape).info,
    init: (key, inShape, opts) => {
      const { wShape, info } = plan(c, inShape);
      const fans = { ...fansOf(wShape), dtype: dtypeOf(opts) };
      const [kw, kb] = split(key, 2) as [Key, Key];
      const weight = initW(kw, wShape, fans);
      return {
        params: c.bias === false ? { weight } : { weight, bias: initB(kb, [c.out], fans) },
        state: EMPTY,
        outShape: info.outShape as readonly number[],
      };
    },
    apply: (p, state, x) => {
      const { opts } = plan(c, x.shape.slice(1));
      return {
        y: convTranspose2dOp(x, p.weight, { ...opts, ...(p.bias === undefined ? {} : { bias: p.bias }) }),
        state,
      };
    },
  };
}

/**
 * Upsampling layer (torch.nn.Upsample): `{ size }` or `{ scaleFactor }`, mode 'nearest' (default) or
 * 'bilinear' (with `alignCorners`, default false); `[N, C, H, W]` → `[N, C, Ho, Wo]`. See `upsample` in
 * @tapenet/autodiff for the source coordinates (PyTorch's).
 * @example upsample({ scaleFactor: 2, mode: 'bilinear' })
 */
export function upsample(config: UpsampleOptions): Layer {
  const layer = 'upsample';
  const c = checkOptions(layer, 'config', config);
  if ((c.size === undefined) === (c.scaleFactor === undefined))
    throw layerError(layer, 'config', 'must give exactly one of size and scaleFactor');
  const size = c.size === undefined ? undefined : checkPair(layer, 'size', c.size);
  const shape = (inShape: readonly number[] | readonly (readonly number[])[]): readonly number[] => {
    const [ch, h, w] = single(layer, inShape, [3], '[C, H, W]') as unknown as [number, number, number];
    if (size !== undefined) return [ch, size[0], size[1]];
    const f = typeof c.scaleFactor === 'number' ? [c.scaleFactor, c.scaleFactor] : c.scaleFactor!;
    const out = [Math.floor(h * f[0]!), Math.floor(w * f[1]!)];
    if (!(out[0]! >= 1 && out[1]! >= 1))
      throw layerError(
        layer,
        'scaleFactor',
        `${String(c.scaleFactor)} gives an empty output for inShape ${fmt([ch, h, w])}`,
      );
    return [ch, out[0]!, out[1]!];
  };
  return stateless(layer, shape, (x: Tensor) => upsampleOp(x, c));
}
