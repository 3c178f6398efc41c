/**
 * @file Composites for decoders and heads: convTranspose2d (a transposed convolution is conv2d's input
 * gradient, already a primitive with both VJPs), upsample (nearest and bilinear as products with an
 * interpolation matrix along H and along W), and adaptiveMaxPool2d (max pooling per PyTorch bin). None is
 * a new primitive: each is exact as written and differentiates (to any order) through its parts.
 */
import type { Conv2dAttrs, Pair } from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import { tensor, type Tensor } from '../tensor.js';
import { checkBoolean, checkInt, checkOneOf, checkOptions, checkPair, checkResultSize } from '../validate.js';
import { conv2dBackpropInput, maxPool2d } from './conv.js';
import { add } from './elementwise.js';
import { matmul } from './linalg.js';
import { concat, reshape, slice } from './movement.js';
import { checkFloat, checkTensor } from './util.js';

function checkNchw(op: string, x: Tensor): readonly [number, number, number, number] {
  checkFloat(op, 'x', checkTensor(op, 'x', x));
  if (x.rank !== 4) throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}; expected [N, C, H, W]`);
  return x.shape as unknown as readonly [number, number, number, number];
}

export type ConvTranspose2dOptions = {
  /** `[Cout]`, added per output channel. */
  readonly bias?: Tensor;
  readonly stride?: number | Pair;
  /** Removed from both sides of each axis of the full output (`dilation·(k − 1) − padding` zero-padding of the input). */
  readonly padding?: number | Pair;
  /** Extra rows/columns at the bottom/right (each below its stride, which makes the size unambiguous). */
  readonly outputPadding?: number | Pair;
  readonly dilation?: number | Pair;
  readonly groups?: number;
};

/**
 * Transposed 2-D convolution (torch.nn.functional.conv_transpose2d): x `[N, Cin, H, W]`, w
 * `[Cin, Cout/groups, KH, KW]` → `[N, Cout, Ho, Wo]`, `Ho = (H − 1)·stride − 2·padding + dilation·(KH − 1) +
 * outputPadding + 1`. It is conv2d's gradient with respect to its input, so x̄ = conv2d(ȳ, w) and
 * w̄ = conv2d's filter gradient with the roles of x and ȳ swapped.
 * @example convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 }) // doubles H and W for a 3x3 kernel
 */
export function convTranspose2d(x: Tensor, w: Tensor, opts?: ConvTranspose2dOptions): Tensor {
  const op = 'convTranspose2d';
  const o = checkOptions(op, 'opts', opts);
  const [n, cin, h, wd] = checkNchw(op, x);
  checkFloat(op, 'w', checkTensor(op, 'w', w));
  if (w.rank !== 4) throw new ShapeError(op, 'w', `has shape ${fmt(w.shape)}; expected [Cin, Cout/groups, KH, KW]`);
  if (w.dtype !== x.dtype) throw new ShapeError(op, 'w', `has dtype ${w.dtype} but x has ${x.dtype}`);
  const stride = checkPair(op, 'stride', o.stride ?? 1);
  const padding = checkPair(op, 'padding', o.padding ?? 0, 0);
  const outPad = checkPair(op, 'outputPadding', o.outputPadding ?? 0, 0);
  const dilation = checkPair(op, 'dilation', o.dilation ?? 1);
  const groups = checkInt(op, 'groups', o.groups ?? 1, 1);
  const [wi, cog, kh, kw] = w.shape as [number, number, number, number];
  if (wi !== cin) throw new ShapeError(op, 'w', `has shape ${fmt(w.shape)}: dim 0 must be x's ${cin} input channels`);
  if (cin % groups !== 0)
    throw new ShapeError(op, 'groups', `${groups} must divide the ${cin} input channels of x ${fmt(x.shape)}`);
  if (kh < 1 || kw < 1 || cog < 1) throw new ShapeError(op, 'w', `has shape ${fmt(w.shape)}; every dim must be ≥ 1`);
  for (const i of [0, 1] as const) {
    if (outPad[i] >= stride[i])
      throw new ShapeError(
        op,
        'outputPadding',
        `${outPad.join('x')} must be below the stride ${stride.join('x')} (PyTorch also allows it below the dilation; tapenet does not)`,
      );
  }
  const out = [kh, kw].map(
    (k, i) => ([h, wd][i]! - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (k - 1) + outPad[i]! + 1,
  ) as [number, number];
  if (out[0] < 1 || out[1] < 1)
    throw new ShapeError(
      op,
      'padding',
      `${padding.join('x')} leaves an output of ${out.join('x')} for x ${fmt(x.shape)}`,
    );
  const cout = cog * groups;
  checkResultSize(op, 'stride', [n, cout, ...out]);
  const bias = o.bias;
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== cout)
      throw new ShapeError(op, 'bias', `has shape ${fmt(bias.shape)}; expected [${cout}] (one per output channel)`);
    if (bias.dtype !== x.dtype) throw new ShapeError(op, 'bias', `has dtype ${bias.dtype} but x has ${x.dtype}`);
  }
  const attrs: Conv2dAttrs = {
    stride,
    padding: [padding[0], padding[0], padding[1], padding[1]],
    dilation,
    groups,
  };
  const y = conv2dBackpropInput(x, w, [n, cout, out[0], out[1]], attrs);
  return bias === undefined ? y : add(y, reshape(bias, [1, cout, 1, 1]));
}

export type UpsampleOptions = {
  /** Output `[Ho, Wo]` (or one number for both); give this or `scaleFactor`. */
  readonly size?: number | Pair;
  /** `Ho = ⌊H·scale⌋`; the source coordinates then use 1/scale, as PyTorch does. */
  readonly scaleFactor?: number | Pair;
  /** 'nearest' (default) or 'bilinear'. */
  readonly mode?: 'nearest' | 'bilinear';
  /** Bilinear only: map the corner pixels' centres onto each other (default false, as PyTorch). */
  readonly alignCorners?: boolean;
};

/** Source index and weights along one axis: `y[i] = λ0[i]·x[i0[i]] + λ1[i]·x[i1[i]]` (nearest: λ1 = 0). */
type Taps = { readonly i0: Int32Array; readonly i1: Int32Array; readonly l0: Float64Array; readonly l1: Float64Array };

/**
 * PyTorch's source coordinates (aten/src/ATen/native/UpSample.h): nearest `⌊i·scale⌋` capped at n − 1;
 * bilinear with align corners `i·(n − 1)/(m − 1)`, without `max((i + ½)·scale − ½, 0)`; then
 * `i0 = ⌊src⌋`, `i1 = min(i0 + 1, n − 1)`, `λ1 = src − i0`. `scale` is n/m, or 1/scaleFactor when given.
 */
function taps(n: number, m: number, mode: 'nearest' | 'bilinear', align: boolean, factor?: number): Taps {
  const scale = factor === undefined ? n / m : 1 / factor;
  const t = { i0: new Int32Array(m), i1: new Int32Array(m), l0: new Float64Array(m), l1: new Float64Array(m) };
  for (let i = 0; i < m; i++) {
    if (mode === 'nearest') {
      t.i0[i] = Math.min(Math.floor(i * scale), n - 1);
      t.i1[i] = t.i0[i]!;
      t.l0[i] = 1;
      continue;
    }
    const src = align ? (m > 1 ? (i * (n - 1)) / (m - 1) : 0) : Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), n - 1);
    t.i0[i] = i0;
    t.i1[i] = Math.min(i0 + 1, n - 1);
    t.l1[i] = src - i0;
    t.l0[i] = 1 - t.l1[i]!;
  }
  return t;
}

/**
 * Resamples `axis` (2 or 3) of x as a product with the interpolation matrix `A [m, n]` (row i holds λ0 at
 * i0 and λ1 at i1): `A·x` along H, `x·Aᵀ` along W. The zeros add nothing, so each output is PyTorch's
 * `λ0·x[i0] + λ1·x[i1]` (nearest: `1·x[i0]`) to rounding, the gradient is `Aᵀ·ȳ` (PyTorch's scatter),
 * and the only constant is A, whose shape does not involve the batch (so it exports to ONNX as MatMul).
 * A non-finite input spreads NaN along its row or column (0·∞), which a gather would not.
 */
function resampleAxis(x: Tensor, axis: 2 | 3, t: Taps): Tensor {
  const m = t.i0.length;
  const n = x.shape[axis]!;
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    a[i * n + t.i0[i]!]! += t.l0[i]!;
    if (t.l1[i]! !== 0) a[i * n + t.i1[i]!]! += t.l1[i]!;
  }
  const A = tensor(a, { shape: [m, n], dtype: x.dtype });
  return axis === 2 ? matmul(A, x) : matmul(x, A, { transposeB: true });
}

/**
 * Upsampling (torch.nn.functional.interpolate, 'nearest' or 'bilinear'): `[N, C, H, W]` → `[N, C, Ho, Wo]`,
 * each axis resampled in turn with PyTorch's source coordinates, so values and gradients match its.
 * Nearest copies `x[⌊i·H/Ho⌋]` (the gradient sums into those sources); bilinear blends the two
 * neighbours, corners aligned or not. Each axis is a product with a constant `[Ho, H]` matrix (cost
 * `Ho·H` per column rather than `2·Ho`; it keeps the op batch-independent and exportable). Inputs must be finite.
 * @example upsample(x, { scaleFactor: 2, mode: 'bilinear' })
 */
export function upsample(x: Tensor, opts: UpsampleOptions): Tensor {
  const op = 'upsample';
  const o = checkOptions(op, 'opts', opts);
  const [, , h, w] = checkNchw(op, x);
  const mode = checkOneOf(op, 'mode', o.mode ?? 'nearest', ['nearest', 'bilinear'] as const);
  const align = checkBoolean(op, 'alignCorners', o.alignCorners ?? false);
  if (o.alignCorners !== undefined && mode === 'nearest')
    throw new ShapeError(op, 'alignCorners', "applies to mode 'bilinear' only (as PyTorch)");
  if ((o.size === undefined) === (o.scaleFactor === undefined))
    throw new ShapeError(op, 'opts', 'must give exactly one of size and scaleFactor');
  let size: Pair;
  let factor: readonly [number | undefined, number | undefined] = [undefined, undefined];
  if (o.size !== undefined) size = checkPair(op, 'size', o.size);
  else {
    const f = typeof o.scaleFactor === 'number' ? [o.scaleFactor, o.scaleFactor] : o.scaleFactor;
    if (!Array.isArray(f) || f.length !== 2 || f.some((v) => typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)))
      throw new ShapeError(op, 'scaleFactor', `must be a positive number or [h, w] pair; got ${String(o.scaleFactor)}`);
    factor = [f[0]!, f[1]!];
    size = [Math.floor(h * f[0]!), Math.floor(w * f[1]!)];
    if (size[0] < 1 || size[1] < 1)
      throw new ShapeError(
        op,
        'scaleFactor',
        `${f.join('x')} gives an empty ${size.join('x')} output for x ${fmt(x.shape)}`,
      );
  }
  checkResultSize(op, 'size', [x.shape[0]!, x.shape[1]!, size[0], size[1]]);
  const rows = resampleAxis(x, 2, taps(h, size[0], mode, align, factor[0]));
  return resampleAxis(rows, 3, taps(w, size[1], mode, align, factor[1]));
}

/** PyTorch's adaptive bin `[⌊i·n/m⌋, ⌈(i + 1)·n/m⌉)` along an axis of n split into m. */
const bin = (i: number, n: number, m: number): [number, number] => [
  Math.floor((i * n) / m),
  Math.ceil(((i + 1) * n) / m),
];

/**
 * Adaptive max pooling to `[oh, ow]` (torch.nn.AdaptiveMaxPool2d): output cell (i, j) is the maximum of
 * rows `⌊i·H/oh⌋ … ⌈(i + 1)·H/oh⌉ − 1` and the analogous columns; the gradient goes to the first maximum
 * of each bin in row-major order (as PyTorch). One max pool when the bins tile the input evenly, else one
 * per bin (oh·ow small ones).
 */
export function adaptiveMaxPool2d(x: Tensor, size: number | Pair): Tensor {
  const op = 'adaptiveMaxPool2d';
  const [n, c, h, w] = checkNchw(op, x);
  const [oh, ow] = checkPair(op, 'size', size);
  if (h < 1 || w < 1) throw new ShapeError(op, 'x', `of shape ${fmt(x.shape)} has an empty spatial axis`);
  checkResultSize(op, 'size', [n, c, oh, ow]);
  if (h % oh === 0 && w % ow === 0) return maxPool2d(x, [h / oh, w / ow]);
  const rows: Tensor[] = [];
  for (let i = 0; i < oh; i++) {
    const [r0, r1] = bin(i, h, oh);
    const cells: Tensor[] = [];
    for (let j = 0; j < ow; j++) {
      const [c0, c1] = bin(j, w, ow);
      cells.push(maxPool2d(slice(x, [0, 0, r0, c0], [n, c, r1 - r0, c1 - c0]), [r1 - r0, c1 - c0]));
    }
    rows.push(concat(cells, 3));
  }
  return concat(rows, 2);
}
