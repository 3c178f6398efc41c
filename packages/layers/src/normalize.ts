/**
 * @file layerNorm, groupNorm and instanceNorm as functions of tensors (the layers in norm.ts wrap them):
 * composites of `mean`, `variance` and elementwise ops, each PyTorch's formula
 * `y = (x − μ)/√(σ² + eps)·weight + bias` with the biased variance σ² over the normalised group.
 */
import {
  add,
  checkNumber,
  checkOptions,
  checkTensor,
  fmt,
  mean,
  mul,
  reshape,
  rsqrt,
  ShapeError,
  sub,
  type Tensor,
  variance,
} from '@tapenet/autodiff';

export type NormOptions = {
  /** Scale, broadcast as the function says; absent: 1. */
  readonly weight?: Tensor | undefined;
  /** Shift, broadcast like `weight`; absent: 0. */
  readonly bias?: Tensor | undefined;
  /** Added to the variance (default 1e-5, as PyTorch). */
  readonly eps?: number;
};

/** `(x − mean)·rsqrt(var + eps)` over `axes` (biased variance). */
function standardise(x: Tensor, axes: readonly number[], eps: number): Tensor {
  const mu = mean(x, axes, { keepDims: true });
  const v = variance(x, axes, { keepDims: true });
  return mul(sub(x, mu), rsqrt(add(v, eps)));
}

function checkAffine(
  op: string,
  arg: 'weight' | 'bias',
  t: Tensor | undefined,
  x: Tensor,
  shape: readonly number[],
): void {
  if (t === undefined) return;
  checkTensor(op, arg, t);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    throw new ShapeError(op, arg, `has shape ${fmt(t.shape)}; expected ${fmt(shape)} for x ${fmt(x.shape)}`);
  if (t.dtype !== x.dtype) throw new ShapeError(op, arg, `has dtype ${t.dtype} but x has ${x.dtype}`);
}

/** `y·weight + bias` with the per-channel vectors shaped `[C, 1, …]` against `[N, C, …]`. */
function affine(y: Tensor, o: NormOptions, shape: readonly number[]): Tensor {
  const w = o.weight === undefined ? y : mul(y, reshape(o.weight, shape));
  return o.bias === undefined ? w : add(w, reshape(o.bias, shape));
}

function options(op: string, x: Tensor, opts: NormOptions | undefined): { o: NormOptions; eps: number } {
  checkTensor(op, 'x', x);
  if (x.dtype === 'int32') throw new ShapeError(op, 'x', 'has dtype int32 but a float dtype is required');
  const o = checkOptions(op, 'opts', opts);
  const eps = checkNumber(op, 'eps', o.eps ?? 1e-5);
  if (!(eps >= 0)) throw new ShapeError(op, 'eps', `${eps} must be non-negative`);
  return { o, eps };
}

/**
 * Layer normalisation (torch.nn.functional.layer_norm): statistics over the last `normalizedShape.length`
 * axes, which must equal `normalizedShape`; `weight` and `bias` have shape `normalizedShape`.
 * @example layerNorm(x, [64], { weight, bias }) // x [N, T, 64]
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], opts?: NormOptions): Tensor {
  const op = 'layerNorm';
  const { o, eps } = options(op, x, opts);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.rank - k);
  if (k < 1 || k > x.rank || tail.some((d, i) => d !== normalizedShape[i]))
    throw new ShapeError(
      op,
      'normalizedShape',
      `${fmt(normalizedShape)} must be the trailing dims of x ${fmt(x.shape)}`,
    );
  checkAffine(op, 'weight', o.weight, x, normalizedShape);
  checkAffine(op, 'bias', o.bias, x, normalizedShape);
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  return affine(standardise(x, axes, eps), o, normalizedShape);
}

/**
 * Group normalisation (Wu & He 2018; torch.nn.functional.group_norm): x `[N, C, …]`, the C channels split
 * into `groups` consecutive groups, statistics per example and group over its channels and positions;
 * `weight` and `bias` are per channel `[C]`.
 */
export function groupNorm(x: Tensor, groups: number, opts?: NormOptions): Tensor {
  const op = 'groupNorm';
  const { o, eps } = options(op, x, opts);
  if (x.rank < 2) throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}; expected [N, C, ...]`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0)
    throw new ShapeError(
      op,
      'groups',
      `${groups} must be a positive integer dividing the ${c} channels of x ${fmt(x.shape)}`,
    );
  checkAffine(op, 'weight', o.weight, x, [c]);
  checkAffine(op, 'bias', o.bias, x, [c]);
  const grouped = reshape(x, [n, groups, -1]);
  const y = reshape(standardise(grouped, [2], eps), x.shape);
  return affine(y, o, [c, ...x.shape.slice(2).map(() => 1)]);
}

/**
 * Instance normalisation (torch.nn.functional.instance_norm with batch statistics): per example and
 * channel over the positions of x `[N, C, …]` (group norm with one channel per group); `weight` and
 * `bias` per channel `[C]`.
 */
export function instanceNorm(x: Tensor, opts?: NormOptions): Tensor {
  const op = 'instanceNorm';
  const { o, eps } = options(op, x, opts);
  if (x.rank < 3) throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}; expected [N, C, L] or [N, C, H, W]`);
  const c = x.shape[1]!;
  checkAffine(op, 'weight', o.weight, x, [c]);
  checkAffine(op, 'bias', o.bias, x, [c]);
  const axes = x.shape.slice(2).map((_, i) => i + 2);
  return affine(standardise(x, axes, eps), o, [c, ...x.shape.slice(2).map(() => 1)]);
}
