/**
 * @file Batched matrix product with broadcast batch dims and transpose flags: one kernel, one output
 * element per thread, the inner dimension looped with `loopMaxIterations = K`. Which a- and b-matrix each
 * output matrix reads comes from two small host tables (one entry per output matrix).
 */
import type { IKernelFunctionThis } from 'gpu.js';
import { checkSameDtype, matmulSizes, sizeOf, stridesOf } from '@tapenet/kernels';
import { check } from './elementwise.js';
import { broadcastStrides } from './geometry.js';
import type { GTensor, Runtime, LaunchSpec } from './runtime.js';

declare function floorDiv(r: number, d: number): number;

interface MatmulConsts {
  readonly n: number;
  readonly mn: number;
  readonly k: number;
  /** Element (i, p) of A is at `ai·i + ak·p`; element (p, j) of B at `bk·p + bj·j`. */
  readonly ai: number;
  readonly ak: number;
  readonly bk: number;
  readonly bj: number;
}

/** `y[t, i, j] = Σ_p A[offA[t] + ai·i + ak·p] · B[offB[t] + bk·p + bj·j]`. */
export function matmulKernel(
  this: IKernelFunctionThis<MatmulConsts>,
  a: Float32Array,
  b: Float32Array,
  offA: Float32Array,
  offB: Float32Array,
): number {
  const t = floorDiv(this.thread.x, this.constants.mn);
  const rem = this.thread.x - t * this.constants.mn;
  const i = floorDiv(rem, this.constants.n);
  const j = rem - i * this.constants.n;
  const baseA = offA[t]! + i * this.constants.ai;
  const baseB = offB[t]! + j * this.constants.bj;
  let s = 0;
  for (let p = 0; p < this.constants.k; p++) {
    s += a[baseA + p * this.constants.ak]! * b[baseB + p * this.constants.bk]!;
  }
  return s;
}

/** Element offset of the first element of each operand matrix read by output matrix t. */
function matrixOffsets(batchIn: readonly number[], batch: readonly number[], matSize: number): Float32Array {
  const strides = broadcastStrides(batchIn, batch);
  const outStrides = stridesOf(batch);
  const n = sizeOf(batch);
  const offs = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let rest = t;
    let m = 0;
    for (let a = 0; a < batch.length; a++) {
      const c = Math.floor(rest / outStrides[a]!);
      rest -= c * outStrides[a]!;
      m += c * strides[a]!;
    }
    offs[t] = m * matSize;
  }
  return offs;
}

/**
 * a `[...Ba, M, K]` (`[...Ba, K, M]` when transposeA), b `[...Bb, K, N]` (`[...Bb, N, K]` when
 * transposeB) → `[...broadcast(Ba, Bb), M, N]`.
 */
export function matmul(rt: Runtime, a: GTensor, b: GTensor, transposeA: boolean, transposeB: boolean): GTensor {
  const { m, k, n, batchA, batchB, batch } = matmulSizes(a.shape, b.shape, transposeA, transposeB, check);
  checkSameDtype(a, b, 'matmul', check);
  const [ai, ak] = transposeA ? [1, m] : [k, 1];
  const [bk, bj] = transposeB ? [1, k] : [n, 1];
  const offA = matrixOffsets(batchA, batch, m * k);
  const offB = matrixOffsets(batchB, batch, k * n);
  const constants = { n, mn: m * n, k, ai, ak, bk, bj };
  const launch: LaunchSpec = { label: 'matmul', kernel: 'matmulKernel', constants, loopMax: k };
  return rt.tensor(launch, [a, b, offA, offB], [...batch, m, n], a.dtype);
}
