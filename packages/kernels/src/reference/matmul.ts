/** @file Batched matrix product with broadcast batch dims and transpose flags. */
import { allocate, broadcastShapes, sizeOf } from '../shape.js';
import { broadcastOffsets } from './offsets.js';
import { check, fmt, type RTensor, tensorOf } from './tensor.js';

/**
 * `y[...B, i, j] = Σ_k A[...B, i, k] · B[...B, k, j]` where `A = transposeA ? aᵀ : a` and
 * `B = transposeB ? bᵀ : b` (transposing the last two axes). a `[...Ba, M, K]` (`[...Ba, K, M]` when
 * transposeA), b `[...Bb, K, N]` (`[...Bb, N, K]` when transposeB), y `[...broadcast(Ba, Bb), M, N]`.
 * Loops run i-k-j and accumulate each output row in doubles.
 */
export function matmul(a: RTensor, b: RTensor, transposeA: boolean, transposeB: boolean): RTensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  check(ra >= 2 && rb >= 2, 'matmul', () => `needs rank ≥ 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  check(a.dtype === b.dtype, 'matmul', () => `dtype mismatch: ${a.dtype} vs ${b.dtype}`);
  const [a0, a1] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [b0, b1] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const [m, k] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  check(k === kb, 'matmul', () => `inner dims differ: ${fmt(a.shape)} x ${fmt(b.shape)}`);
  const batchA = a.shape.slice(0, ra - 2);
  const batchB = b.shape.slice(0, rb - 2);
  const batch = broadcastShapes(batchA, batchB);
  check(batch !== null, 'matmul', () => `batch dims do not broadcast: ${fmt(a.shape)} x ${fmt(b.shape)}`);
  // Which a-matrix and b-matrix each output matrix reads.
  const matA = broadcastOffsets(batchA, batch, 'matmul');
  const matB = broadcastOffsets(batchB, batch, 'matmul');
  // Element (i, k) of A is at ai*i + ak*k; element (k, j) of B is at bk*k + bj*j.
  const [ai, ak] = transposeA ? [1, m] : [k, 1];
  const [bk, bj] = transposeB ? [1, k] : [n, 1];
  const ad = a.data;
  const bd = b.data;
  const out = allocate(a.dtype, sizeOf(batch) * m * n);
  const row = new Float64Array(n);
  for (let t = 0; t < matA.length; t++) {
    const offA = matA[t]! * m * k;
    const offB = matB[t]! * k * n;
    const offY = t * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = ad[offA + i * ai + p * ak]!;
        const rowB = offB + p * bk;
        for (let j = 0; j < n; j++) row[j]! += aip * bd[rowB + j * bj]!;
      }
      out.set(row, offY + i * n);
    }
  }
  return tensorOf(out, [...batch, m, n], a.dtype);
}
