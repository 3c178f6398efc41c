/**
 * @file locallyConnected2d: a convolution whose weights are not shared across output positions.
 * Patches are extracted with a fixed one-hot convolution (so padding, stride and dilation behave exactly
 * as in conv2d), then each position gets its own matrix through one batched matmul.
 */
import {
  add,
  checkBoolean,
  checkInt,
  checkResultSize,
  conv2d,
  type FloatDType,
  type Key,
  matmul,
  reshape,
  split,
  type Tensor,
  tensor,
  transpose,
} from '@tapenet/autodiff';
import { checkWindow, PADDING_NAMES, type Padding, windowOf } from './geometry.js';
import { torchDefaultBias, torchDefaultWeight, type WeightBiasInit } from './init.js';
import { checkConfig, checkInit, dtypeOf, EMPTY, type Pair, single } from './internal.js';
import type { Empty, Layer, LayerInfo } from './types.js';

/**
 * Parameters: weight `[Ho·Wo, out, C·kh·kw]` (position p = i·Wo + j; the last axis ordered (c, u, v) like
 * a flattened OIHW conv kernel), bias `[out, Ho, Wo]` (one bias per output unit, as Keras).
 */
export type LocalParams = { readonly weight: Tensor; readonly bias?: Tensor };

export type LocallyConnected2dConfig = {
  readonly out: number;
  readonly kernel: number | Pair;
  readonly stride?: number | Pair;
  readonly padding?: Padding;
  readonly dilation?: number | Pair;
  readonly bias?: boolean;
  /** Default: `U(±1/√(C·kh·kw))` for both, as conv2d. */
  readonly init?: WeightBiasInit;
};

function plan(c: LocallyConnected2dConfig, inShape: readonly number[] | readonly (readonly number[])[]) {
  const layer = 'locallyConnected2d';
  const s = single(layer, inShape, [3], '[C, H, W]');
  const win = windowOf(layer, s, c.kernel, c.stride ?? 1, c.padding ?? 0, c.dilation ?? 1);
  const [ho, wo] = win.out;
  const patch = s[0]! * win.kernel[0] * win.kernel[1];
  const wShape = [ho * wo, c.out, patch];
  checkResultSize(layer, 'padding', wShape);
  const info: LayerInfo = {
    type: layer,
    outShape: [c.out, ho, wo],
    params: c.bias === false ? { weight: wShape } : { weight: wShape, bias: [c.out, ho, wo] },
    state: EMPTY,
    flops: 2 * ho * wo * c.out * patch,
  };
  return { win, wShape, patch, info };
}

/** The one-hot kernel `[C·kh·kw, 1, kh, kw]` (groups = C) whose output channel c·kh·kw + u·kw + v copies x[c, u, v]. */
function patchKernel(channels: number, kh: number, kw: number, dtype: FloatDType): Tensor {
  const k = kh * kw;
  const values = dtype === 'float64' ? new Float64Array(channels * k * k) : new Float32Array(channels * k * k);
  for (let o = 0; o < channels * k; o++) values[o * k + (o % k)] = 1;
  return tensor(values, { shape: [channels * k, 1, kh, kw] });
}

/**
 * Locally connected 2-D layer: `y[n, o, i, j] = Σ_{c,u,v} W[i·Wo + j, o, (c, u, v)]·x[n, c, i·s + u·d, j·s + v·d] + b[o, i, j]`.
 * x `[N, C, H, W]` → `[N, out, Ho, Wo]` with conv2d's output size. FLOPs `2·Ho·Wo·out·C·kh·kw`.
 * @example locallyConnected2d({ out: 4, kernel: 3 }).describe([2, 5, 5]).outShape // [4, 3, 3]
 */
export function locallyConnected2d(c: LocallyConnected2dConfig): Layer<LocalParams, Empty> {
  const layer = 'locallyConnected2d';
  checkConfig(layer, c);
  checkInt(layer, 'out', c.out, 1);
  checkWindow(layer, c.kernel, c.stride ?? 1, c.padding ?? 0, c.dilation ?? 1, PADDING_NAMES);
  checkBoolean(layer, 'bias', c.bias ?? true);
  checkInit(layer, c.init);
  const initW = c.init?.weight ?? torchDefaultWeight;
  const initB = c.init?.bias ?? torchDefaultBias;
  return {
    describe: (inShape) => plan(c, inShape).info,
    init: (key, inShape, opts) => {
      const { wShape, patch, info, win } = plan(c, inShape);
      const fans = { fanIn: patch, fanOut: c.out * win.kernel[0] * win.kernel[1], dtype: dtypeOf(opts) };
      const [kw, kb] = split(key, 2) as [Key, Key];
      const weight = initW(kw, wShape, fans);
      const params = c.bias === false ? { weight } : { weight, bias: initB(kb, [c.out, win.out[0], win.out[1]], fans) };
      return { params, state: EMPTY, outShape: info.outShape as readonly number[] };
    },
    apply: (p, state, x) => {
      const { win, patch } = plan(c, x.shape.slice(1));
      const [n, ch] = x.shape as [number, number];
      const [ho, wo] = win.out;
      const kernel = patchKernel(ch, win.kernel[0], win.kernel[1], x.dtype === 'float64' ? 'float64' : 'float32');
      const patches = conv2d(x, kernel, { stride: win.stride, padding: win.pads, dilation: win.dilation, groups: ch });
      const cols = transpose(reshape(patches, [n, patch, ho * wo]), [2, 1, 0]); // [P, patch, N]
      const y = reshape(transpose(matmul(p.weight, cols), [2, 1, 0]), [n, c.out, ho, wo]); // [P, out, N] → [N, out, P]
      return { y: p.bias === undefined ? y : add(y, p.bias), state };
    },
  };
}
