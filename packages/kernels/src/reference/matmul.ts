/** @file Batched matrix product with broadcast batch dims and transpose flags. */
import { allocate, sizeOf } from '../shape.js';
import { checkSameDtype, matmulSizes } from '../validate.js';
import { broadcastOffsets } from './offsets.js';
import { check, type RTensor, tensorOf } from './tensor.js';

/**
 * `y[...B, i, j] = Σ_k A[...B, i, k] · B[...B, k, j]` where `A = transposeA ? aᵀ : a` and
 * `B = transposeB ? bᵀ : b` (transposing the last two axes). a `[...Ba, M, K]` (`[...Ba, K, M]` when
 * transposeA), b `[...Bb, K, N]` (`[...Bb, N, K]` when transposeB), y `[...broadcast(Ba, Bb), M, N]`.
 * Loops run i-k-j and accumulate each output row in doubles.
 */
export function matmul(a: RTensor, b: RTensor, transposeA: boolean, transposeB: boolean): RTensor {
  const { m, k, n, batchA, batchB, batch } = matmulSizes(a.shape, b.shape, transposeA, transposeB, check);
  checkSameDtype(a, b, 'matmul', check);
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
