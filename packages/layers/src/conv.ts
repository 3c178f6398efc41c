/** @file The conv2d layer (zeros or replicate padding, stride, dilation, groups, optional bias). */
import {
  checkBoolean,
  checkInt,
  checkOneOf,
  checkResultSize,
  conv2d as conv2dOp,
  type Key,
  pad,
  split,
  type Tensor,
} from '@tapenet/autodiff';
import { checkWindow, PADDING_NAMES, type Padding, type Window, windowOf } from './geometry.js';
import { fansOf } from './fans.js';
import { type Initializer, torchDefaultBias, torchDefaultWeight, type WeightBiasInit } from './init.js';
import { checkConfig, checkInit, dtypeOf, EMPTY, layerError, type Pair, single } from './internal.js';
import type { Empty, Layer, LayerInfo } from './types.js';

/** conv2d parameters: weight `[out, in/groups, kh, kw]` (OIHW, as torch), bias `[out]`. */
export type ConvParams = { readonly weight: Tensor; readonly bias?: Tensor };

export type Conv2dConfig = {
  /** Output channels. */
  readonly out: number;
  readonly kernel: number | Pair;
  readonly stride?: number | Pair;
  /** Default 0. 'same' keeps `⌈n/stride⌉` outputs. */
  readonly padding?: Padding;
  /** 'zeros' (default) or 'replicate' (pad with copies of the edge, then a valid convolution). */
  readonly paddingMode?: 'zeros' | 'replicate';
  readonly dilation?: number | Pair;
  readonly groups?: number;
  /** Default true. */
  readonly bias?: boolean;
  /** Default: PyTorch's (`U(±1/√fanIn)` for both). */
  readonly init?: WeightBiasInit;
};

/** Shape inference shared by describe and init. */
function plan(c: Conv2dConfig, inShape: Shape3): { win: Window; wShape: readonly number[]; info: LayerInfo } {
  const layer = 'conv2d';
  const groups = c.groups ?? 1;
  const [cin] = inShape;
  if (cin % groups !== 0 || c.out % groups !== 0) {
    throw layerError(
      layer,
      'groups',
      `${groups} must divide both the input channels ${cin} and the output channels ${c.out}`,
    );
  }
  const win = windowOf(layer, inShape, c.kernel, c.stride ?? 1, c.padding ?? 0, c.dilation ?? 1);
  const wShape = [c.out, cin / groups, win.kernel[0], win.kernel[1]];
  checkResultSize(layer, 'out', wShape);
  const [ho, wo] = win.out;
  const info: LayerInfo = {
    type: layer,
    outShape: [c.out, ho, wo],
    params: c.bias === false ? { weight: wShape } : { weight: wShape, bias: [c.out] },
    state: EMPTY,
    flops: 2 * (cin / groups) * win.kernel[0] * win.kernel[1] * c.out * ho * wo,
  };
  return { win, wShape, info };
}

const PADDING_MODES = ['zeros', 'replicate'] as const;

type Shape3 = readonly [number, number, number];
const shape3 = (inShape: readonly number[] | readonly (readonly number[])[]): Shape3 =>
  single('conv2d', inShape, [3], '[C, H, W]') as unknown as Shape3;

/**
 * 2-D convolution layer (cross-correlation, as torch.nn.Conv2d). x `[N, C, H, W]` → `[N, out, Ho, Wo]`,
 * `Ho = ⌊(H + padTop + padBottom − dilation·(kh − 1) − 1)/stride⌋ + 1`; input channels come from
 * `inShape`. Params `{ weight: [out, C/groups, kh, kw], bias: [out] }`. FLOPs `2·(C/groups)·kh·kw·out·Ho·Wo`.
 * @example conv2d({ out: 6, kernel: 5, padding: 2 }).init(key(0), [1, 28, 28]).outShape // [6, 28, 28]
 */
export function conv2d(c: Conv2dConfig): Layer<ConvParams, Empty> {
  const layer = 'conv2d';
  checkConfig(layer, c);
  checkInt(layer, 'out', c.out, 1);
  checkWindow(layer, c.kernel, c.stride ?? 1, c.padding ?? 0, c.dilation ?? 1, PADDING_NAMES);
  checkOneOf(layer, 'paddingMode', c.paddingMode ?? 'zeros', PADDING_MODES);
  checkInt(layer, 'groups', c.groups ?? 1, 1);
  checkBoolean(layer, 'bias', c.bias ?? true);
  checkInit(layer, c.init);
  const initW: Initializer = c.init?.weight ?? torchDefaultWeight;
  const initB: Initializer = c.init?.bias ?? torchDefaultBias;
  const replicate = (c.paddingMode ?? 'zeros') === 'replicate';
  return {
    describe: (inShape) => plan(c, shape3(inShape)).info,
    init: (key, inShape, opts) => {
      const { wShape, info } = plan(c, shape3(inShape));
      const dtype = dtypeOf(opts);
      const fans = { ...fansOf(wShape), dtype };
      const [kw, kb] = split(key, 2) as [Key, Key];
      const weight = initW(kw, wShape, fans);
      return {
        params: c.bias === false ? { weight } : { weight, bias: initB(kb, [c.out], fans) },
        state: EMPTY,
        outShape: info.outShape as readonly number[],
      };
    },
    apply: (p, state, x) => {
      const { win } = plan(c, shape3(x.shape.slice(1)));
      const [t, b, l, r] = win.pads;
      // The bias goes into the convolution itself: one pass over the output fewer than adding it after.
      const opts = {
        stride: win.stride,
        dilation: win.dilation,
        groups: c.groups ?? 1,
        ...(p.bias === undefined ? {} : { bias: p.bias }),
      };
      const y = replicate
        ? conv2dOp(
            pad(
              x,
              [
                [0, 0],
                [0, 0],
                [t, b],
                [l, r],
              ],
              'edge',
            ),
            p.weight,
            { ...opts, padding: 0 },
          )
        : conv2dOp(x, p.weight, { ...opts, padding: win.pads });
      return { y, state };
    },
  };
}
