/** @file matmul (batched, with transposes) and the composites dot and outer. */
import { fmt, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { call, defineOp } from './def.js';
import { mul } from './elementwise.js';
import { expandDims, reshape, squeeze, unbroadcast } from './movement.js';
import { sum } from './reduce.js';
import { checkBoolean, checkOptions } from '../validate.js';
import { broadcastOrThrow, checkFloat, checkTensor } from './util.js';

/**
 * With A' = tA ? aᵀ : a and B' = tB ? bᵀ : b, y = A'B', so Ā' = ȳB'ᵀ and B̄' = A'ᵀȳ; each case below is
 * that, transposed back where the input was stored transposed, then summed over broadcast batch dims.
 */
export const matmulDef = defineOp({
  name: 'matmul',
  differentiable: true,
  forward: (k, [a, b], { transposeA, transposeB }) => k.matmul(a!, b!, transposeA, transposeB),
  vjp: (g, { inputs: [a, b], attrs: { transposeA: tA, transposeB: tB }, needs }) => {
    const ga = !needs[0]
      ? null
      : tA
        ? matmul(b!, g, { transposeA: tB, transposeB: true })
        : matmul(g, b!, { transposeA: false, transposeB: !tB });
    const gb = !needs[1]
      ? null
      : tB
        ? matmul(g, a!, { transposeA: true, transposeB: tA })
        : matmul(a!, g, { transposeA: !tA, transposeB: false });
    return [ga && unbroadcast(ga, a!.shape), gb && unbroadcast(gb, b!.shape)];
  },
});

export type MatmulOptions = { readonly transposeA?: boolean; readonly transposeB?: boolean };

/**
 * Matrix product with NumPy semantics: `[..., M, K] @ [..., K, N] → [..., M, N]` with batch dims
 * broadcast; a rank-1 operand is treated as a row (left) or column (right) vector and its axis dropped.
 * @example matmul(x, w) // x: [N, in], w: [in, out] → [N, out]
 */
export function matmul(a: Tensor, b: Tensor, opts?: MatmulOptions): Tensor {
  const o = checkOptions('matmul', 'opts', opts);
  const tA = checkBoolean('matmul', 'transposeA', o.transposeA ?? false);
  const tB = checkBoolean('matmul', 'transposeB', o.transposeB ?? false);
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  checkFloat('matmul', 'a', a);
  checkFloat('matmul', 'b', b);
  if (a.dtype !== b.dtype) throw new ShapeError('matmul', 'b', `has dtype ${b.dtype} but a has ${a.dtype}`);
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul', a.rank === 0 ? 'a' : 'b', 'must have rank ≥ 1');
  if (a.rank === 1 || b.rank === 1) {
    const a2 = a.rank === 1 ? expandDims(a, 0) : a;
    const b2 = b.rank === 1 ? expandDims(b, 1) : b;
    const y = matmul(a2, b2, { transposeA: a.rank === 1 ? false : tA, transposeB: b.rank === 1 ? false : tB });
    return squeeze(y, [...(a.rank === 1 ? [y.rank - 2] : []), ...(b.rank === 1 ? [y.rank - 1] : [])]);
  }
  const kA = a.shape[a.rank - (tA ? 2 : 1)]!;
  const kB = b.shape[b.rank - (tB ? 1 : 2)]!;
  if (kA !== kB) {
    throw new ShapeError(
      'matmul',
      'b',
      `has shape ${fmt(b.shape)}: its contraction dim ${kB} must equal a's ${kA} (a: ${fmt(a.shape)})`,
    );
  }
  broadcastOrThrow('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  return call(matmulDef, [a, b], { transposeA: tA, transposeB: tB });
}

/** Inner product of two vectors of equal length (or `sum(a * b)` for any equal shapes). */
export function dot(a: Tensor, b: Tensor): Tensor {
  return sum(mul(checkTensor('dot', 'a', a), checkTensor('dot', 'b', b)));
}

/** Outer product of two vectors: `[M] × [N] → [M, N]`. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', 'a', a);
  checkTensor('outer', 'b', b);
  return mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}
