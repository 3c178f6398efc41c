/**
 * @file matmul on the wasm GEMM engine, plus the tile-size choice every GEMM job shares.
 *
 * Each batch entry is one GEMM problem; a batch operand that broadcasts gets a table of per-entry element
 * offsets (or stride 0 when it is a single matrix). Transposes are only strides: packing reads A and B
 * through `(rs, cs)`, with 4x4 SIMD transposes where one of them is 1.
 */
import { broadcastOffsets, sameShape } from '../reference/offsets.js';
import { sizeOf } from '../shape.js';
import { matmulSizes } from '../validate.js';
import { allF32, type Ctx, check, empty, filled, NS_PER_FLOP, roundUp, type Tuning, type WTensor } from './context.js';
import * as L from './layout.js';

/**
 * Tile sizes for `batch` problems of M x N: as large as the tuning allows, halved (N first) until there
 * are about four tiles per thread so that dynamic tile claiming balances the threads.
 */
export function chooseTiles(tune: Tuning, threads: number, batch: number, m: number, n: number): [number, number] {
  let mt = Math.min(roundUp(m, 4), tune.mt);
  let nt = Math.min(roundUp(n, 8), tune.nt);
  const want = threads > 1 ? 4 * threads : 1;
  const minN = Math.min(64, tune.nt);
  const minM = Math.min(32, tune.mt);
  while (batch * Math.ceil(m / mt) * Math.ceil(n / nt) < want) {
    if (nt >= 2 * minN && nt >= mt) nt = roundUp(nt / 2, 8);
    else if (mt >= 2 * minM) mt = roundUp(mt / 2, 4);
    else if (nt >= 2 * minN) nt = roundUp(nt / 2, 8);
    else break;
  }
  return [mt, nt];
}

/** Scratch bytes per thread for a GEMM whose B panels are at most `nt` columns wide. */
export function gemmScratch(tune: Tuning, nt: number): number {
  return L.SCRATCH_HEAD + tune.mc * tune.kc * 4 + tune.kc * roundUp(nt, 8) * 4;
}

/** Writes the blocking slots of a GEMM descriptor and returns the number of tiles. */
export function setBlocking(
  ctx: Ctx,
  d: number,
  dims: { m: number; n: number; k: number; batch: number; mt: number; nt: number; r?: number; rlen?: number },
): number {
  const { rt, tune } = ctx;
  const tilesM = Math.ceil(dims.m / dims.mt);
  const tilesN = Math.ceil(dims.n / dims.nt);
  const r = dims.r ?? 1;
  rt.set(d, L.G_M, dims.m);
  rt.set(d, L.G_N, dims.n);
  rt.set(d, L.G_K, dims.k);
  rt.set(d, L.G_BATCH, dims.batch);
  rt.set(d, L.G_TILES_M, tilesM);
  rt.set(d, L.G_TILES_N, tilesN);
  rt.set(d, L.G_MT, dims.mt);
  rt.set(d, L.G_NT, dims.nt);
  rt.set(d, L.G_KC, tune.kc);
  rt.set(d, L.G_MC, tune.mc);
  rt.set(d, L.G_R, r);
  rt.set(d, L.G_RLEN, dims.rlen ?? dims.k);
  return dims.batch * r * tilesM * tilesN;
}

/** Per-entry element offsets of a batch operand: stride, 0 (broadcast), or a table in the arena. */
function batchLayout(ctx: Ctx, own: readonly number[], batch: readonly number[], matSize: number): [number, number] {
  if (sizeOf(own) === 1) return [0, 0];
  const padded = [...new Array<number>(batch.length - own.length).fill(1), ...own];
  if (sameShape(padded, batch)) return [matSize, 0];
  const table = broadcastOffsets(own, batch, 'matmul').map((i) => i * matSize);
  return [0, ctx.rt.put(table)];
}

/**
 * `y[...B, i, j] = Σ_k A[...B, i, k] · B[...B, k, j]` with `A = transposeA ? aᵀ : a`, `B = transposeB ? bᵀ : b`;
 * float32 on the GEMM engine, other dtypes on the reference loops.
 */
export function matmul(ctx: Ctx, a: WTensor, b: WTensor, transposeA: boolean, transposeB: boolean): WTensor {
  if (!allF32(a, b)) return ctx.js.matmul(a, b, transposeA, transposeB);
  const { m, k, n, batchA, batchB, batch } = matmulSizes(a.shape, b.shape, transposeA, transposeB, check);
  const count = sizeOf(batch);
  const shape = [...batch, m, n];
  const len = count * m * n;
  if (len === 0 || k === 0) return filled(ctx, shape, 0);
  const { rt, tune } = ctx;
  const c = empty(ctx, shape);
  rt.begin();
  const pa = rt.addr(a.data, 'matmul');
  const pb = rt.addr(b.data, 'matmul');
  const pc = c.data.ptr;
  const [aStride, aTable] = batchLayout(ctx, batchA, batch, m * k);
  const [bStride, bTable] = batchLayout(ctx, batchB, batch, k * n);
  const d = rt.desc(L.G_WORDS);
  const [mt, nt] = chooseTiles(tune, rt.threads, count, m, n);
  const tiles = setBlocking(ctx, d, { m, n, k, batch: count, mt, nt });
  rt.set(d, L.G_A_KIND, L.OP_STRIDED);
  rt.set(d, L.G_A, pa);
  rt.set(d, L.G_A_RS, transposeA ? 1 : k);
  rt.set(d, L.G_A_CS, transposeA ? m : 1);
  rt.set(d, L.G_A_BSTRIDE, aStride);
  rt.set(d, L.G_A_BTABLE, aTable);
  rt.set(d, L.G_B_KIND, L.OP_STRIDED);
  rt.set(d, L.G_B, pb);
  rt.set(d, L.G_B_RS, transposeB ? 1 : n);
  rt.set(d, L.G_B_CS, transposeB ? k : 1);
  rt.set(d, L.G_B_BSTRIDE, bStride);
  rt.set(d, L.G_B_BTABLE, bTable);
  rt.set(d, L.G_C_KIND, L.OP_STRIDED);
  rt.set(d, L.G_C, pc);
  rt.set(d, L.G_C_LD, n);
  rt.set(d, L.G_C_BSTRIDE, m * n);
  rt.run(d, L.JOB_GEMM, tiles, gemmScratch(tune, nt), 2 * len * k * NS_PER_FLOP);
  return c;
}
