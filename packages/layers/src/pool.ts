/** @file Pooling layers: maxPool2d, avgPool2d (PyTorch semantics), adaptiveAvgPool2d, adaptiveMaxPool2d, globalAvgPool. */
import {
  adaptiveMaxPool2d as adaptiveMaxPoolOp,
  avgPool2d as avgPoolOp,
  checkBoolean,
  checkOptions,
  checkPair,
  checkResultSize,
  fmt,
  type FloatDType,
  matmul,
  maxPool2d as maxPoolOp,
  mean,
  type Tensor,
  tensor,
} from '@tapenet/autodiff';
import { checkWindow, windowOf } from './geometry.js';
import { layerError, type Pair, single, stateless } from './internal.js';
import type { Layer } from './types.js';

export type Pool2dConfig = {
  /** Default: the kernel. */
  readonly stride?: number | Pair;
  /** Implicit padding (at most half the kernel, as PyTorch); max pooling pads with −∞. */
  readonly padding?: number | Pair | readonly [number, number, number, number];
  readonly dilation?: number | Pair;
};

function poolShape(
  layer: string,
  inShape: readonly number[] | readonly (readonly number[])[],
  kernel: number | Pair,
  c: Pool2dConfig,
) {
  const s = single(layer, inShape, [3], '[C, H, W]');
  const k = checkPair(layer, 'kernel', kernel);
  const win = windowOf(layer, s, k, c.stride ?? k, c.padding ?? 0, c.dilation ?? 1);
  const [t, b, l, r] = win.pads;
  if (t > k[0] / 2 || b > k[0] / 2 || l > k[1] / 2 || r > k[1] / 2) {
    throw layerError(layer, 'padding', `[${win.pads.join(', ')}] must be at most half the kernel ${k.join('x')}`);
  }
  return { shape: [s[0]!, win.out[0], win.out[1]] as readonly number[], win };
}

/**
 * Max pooling over `kernel` windows (torch.nn.MaxPool2d, floor mode): `[N, C, H, W]` → `[N, C, Ho, Wo]`,
 * `Ho = ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1`; stride defaults to the kernel. The gradient goes to the
 * first maximum of each window.
 * @example maxPool2d(2).describe([6, 28, 28]).outShape // [6, 14, 14]
 */
export function maxPool2d(kernel: number | Pair, config?: Pool2dConfig): Layer {
  const c = checkPoolConfig('maxPool2d', kernel, config);
  return stateless(
    'maxPool2d',
    (s) => poolShape('maxPool2d', s, kernel, c).shape,
    (x: Tensor) => {
      const { win } = poolShape('maxPool2d', x.shape.slice(1), kernel, c);
      return maxPoolOp(x, win.kernel, { stride: win.stride, padding: win.pads, dilation: win.dilation });
    },
  );
}

/** Validates a pooling layer's kernel and config where it is written (padding: no 'same' / 'valid'). */
function checkPoolConfig<C extends Pool2dConfig>(layer: string, kernel: unknown, config: C | undefined): C {
  const c = checkOptions(layer, 'config', config);
  checkWindow(layer, kernel, c.stride ?? kernel, c.padding ?? 0, c.dilation ?? 1);
  return c;
}

/**
 * Average pooling (torch.nn.AvgPool2d, floor mode). Padded positions count toward the divisor unless
 * `countIncludePad: false`.
 * @example avgPool2d(3, { stride: 2, padding: 1 }).describe([4, 7, 7]).outShape // [4, 4, 4]
 */
export function avgPool2d(
  kernel: number | Pair,
  config?: Omit<Pool2dConfig, 'dilation'> & { readonly countIncludePad?: boolean },
): Layer {
  const c = checkPoolConfig('avgPool2d', kernel, config);
  checkBoolean('avgPool2d', 'countIncludePad', c.countIncludePad ?? true);
  if ((c as Pool2dConfig).dilation !== undefined)
    throw layerError('avgPool2d', 'dilation', 'is not an option of average pooling (PyTorch has none either)');
  return stateless(
    'avgPool2d',
    (s) => poolShape('avgPool2d', s, kernel, c).shape,
    (x: Tensor) => {
      const { win } = poolShape('avgPool2d', x.shape.slice(1), kernel, c);
      return avgPoolOp(x, win.kernel, {
        stride: win.stride,
        padding: win.pads,
        countIncludePad: c.countIncludePad ?? true,
      });
    },
  );
}

/**
 * The averaging matrix `[m, n]` of adaptive pooling along one axis: row i averages inputs
 * `⌊i·n/m⌋ … ⌈(i + 1)·n/m⌉ − 1` (PyTorch's bin edges).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export function adaptiveBins(n: number, m: number, dtype: FloatDType = 'float32'): Tensor {
  const a = dtype === 'float64' ? new Float64Array(m * n) : new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const start = Math.floor((i * n) / m);
    const end = Math.ceil(((i + 1) * n) / m);
    for (let j = start; j < end; j++) a[i * n + j] = 1 / (end - start);
  }
  return tensor(a, { shape: [m, n] });
}

/**
 * Adaptive average pooling to a fixed `[oh, ow]` (torch.nn.AdaptiveAvgPool2d): output cell (i, j)
 * averages rows `⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1` and the analogous columns. Computed as `A_h · x · A_wᵀ`
 * with the bin-averaging matrices of `adaptiveBins` (a rectangle's mean is the product of its row and
 * column means). `[N, C, H, W]` → `[N, C, oh, ow]`.
 * @example adaptiveAvgPool2d([6, 6]).describe([256, 13, 13]).outShape // [256, 6, 6] (AlexNet)
 */
export function adaptiveAvgPool2d(size: number | Pair): Layer {
  const [oh, ow] = checkPair('adaptiveAvgPool2d', 'size', size);
  const shape = (inShape: readonly number[] | readonly (readonly number[])[]): readonly number[] => {
    const s = single('adaptiveAvgPool2d', inShape, [3], '[C, H, W]');
    if (s[1]! < 1 || s[2]! < 1) throw layerError('adaptiveAvgPool2d', 'inShape', `${fmt(s)} has an empty spatial axis`);
    checkResultSize('adaptiveAvgPool2d', 'size', [s[0]!, oh, ow]);
    checkResultSize('adaptiveAvgPool2d', 'size', [oh + ow, Math.max(s[1]!, s[2]!)]); // the bin matrices
    return [s[0]!, oh, ow];
  };
  return stateless('adaptiveAvgPool2d', shape, (x: Tensor) => {
    shape(x.shape.slice(1));
    const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
    const rows = adaptiveBins(x.shape[2]!, oh, dtype);
    const cols = adaptiveBins(x.shape[3]!, ow, dtype);
    return matmul(rows, matmul(x, cols, { transposeB: true }));
  });
}

/** Mean over the spatial axes: `[N, C, H, W]` → `[N, C]` (adaptiveAvgPool2d(1) followed by flatten). */
export const globalAvgPool: Layer = stateless(
  'globalAvgPool',
  (s) => [single('globalAvgPool', s, [3], '[C, H, W]')[0]!],
  (x: Tensor) => mean(x, [2, 3]),
);

/**
 * Adaptive max pooling to a fixed `[oh, ow]` (torch.nn.AdaptiveMaxPool2d, PyTorch's bins as in
 * `adaptiveAvgPool2d`); the gradient goes to the first maximum of each bin. `[N, C, H, W]` → `[N, C, oh, ow]`.
 * @example adaptiveMaxPool2d(1).describe([64, 7, 7]).outShape // [64, 1, 1]
 */
export function adaptiveMaxPool2d(size: number | Pair): Layer {
  const [oh, ow] = checkPair('adaptiveMaxPool2d', 'size', size);
  const shape = (inShape: readonly number[] | readonly (readonly number[])[]): readonly number[] => {
    const s = single('adaptiveMaxPool2d', inShape, [3], '[C, H, W]');
    if (s[1]! < 1 || s[2]! < 1) throw layerError('adaptiveMaxPool2d', 'inShape', `${fmt(s)} has an empty spatial axis`);
    checkResultSize('adaptiveMaxPool2d', 'size', [s[0]!, oh, ow]);
    return [s[0]!, oh, ow];
  };
  return stateless('adaptiveMaxPool2d', shape, (x: Tensor) => adaptiveMaxPoolOp(x, [oh, ow]));
}
