/**
 * @file Entry point of the wasm module: `work(desc, thread)` is the one function every thread (the main
 * thread and each worker) calls for a job. Threads claim tiles from the descriptor's counter with an
 * atomic add until none is left, so fast threads take more tiles and no thread waits for a slow one
 * mid-job. Each thread gets its own scratch region, `D_SCRATCH + thread * D_SCRATCH_BYTES`.
 *
 * The module keeps no mutable state in linear memory: per-tile state lives in wasm globals, which each
 * thread's instance has its own copy of. Its only data segments are the constant tables of the standard
 * library's float64 math, placed from DATA_BASE up; re-instantiating writes the same bytes again, so any
 * number of instances can share one memory.
 */
import { convDxTile, sumPartialsTile } from './conv';
import { binaryTile, unaryTile } from './elementwise';
import { gemmTile, ld } from './gemm';
import {
  D_KIND,
  D_NEXT,
  D_SCRATCH,
  D_SCRATCH_BYTES,
  D_TILES,
  JOB_AVGPOOL,
  JOB_AVGPOOL_BACK,
  JOB_BINARY,
  JOB_CONV_DX,
  JOB_GEMM,
  JOB_MAXPOOL,
  JOB_REDUCE,
  JOB_SOFTMAX,
  JOB_SUM_PARTIALS,
  JOB_UNARY,
} from '../src/wasm/layout';
import { avgPoolBackTile, avgPoolTile, maxPoolTile } from './pool';
import { reduceTile, softmaxTile } from './reduce';

/** Runs tiles of the job at `desc` until the job has none left; `thread` picks the scratch region. */
export function work(desc: usize, thread: i32): void {
  const kind = ld(desc, D_KIND);
  const tiles = ld(desc, D_TILES);
  const scratch = <usize>ld(desc, D_SCRATCH) + <usize>thread * <usize>ld(desc, D_SCRATCH_BYTES);
  for (;;) {
    const t = atomic.add<i32>(desc + ((<usize>D_NEXT) << 2), 1);
    if (t >= tiles) return;
    if (kind === JOB_GEMM) gemmTile(desc, t, scratch);
    else if (kind === JOB_CONV_DX) convDxTile(desc, t, scratch);
    else if (kind === JOB_SUM_PARTIALS) sumPartialsTile(desc, t);
    else if (kind === JOB_UNARY) unaryTile(desc, t, scratch);
    else if (kind === JOB_BINARY) binaryTile(desc, t, scratch);
    else if (kind === JOB_REDUCE) reduceTile(desc, t, scratch);
    else if (kind === JOB_SOFTMAX) softmaxTile(desc, t, scratch);
    else if (kind === JOB_MAXPOOL) maxPoolTile(desc, t);
    else if (kind === JOB_AVGPOOL) avgPoolTile(desc, t);
    else if (kind === JOB_AVGPOOL_BACK) avgPoolBackTile(desc, t);
    else unreachable();
  }
}

/** First byte after the static data: JS places its arena above this. */
export function heapBase(): usize {
  return __heap_base;
}
