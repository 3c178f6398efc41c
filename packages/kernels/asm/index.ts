/**
 * @file Entry point of the wasm module: `work(seq, thread)` is the one function every thread (the main
 * thread and each worker) calls for job number `seq`. Threads claim tiles with a compare-and-swap on the
 * control block's claim word (job number in the high half, next tile in the low half) until none is
 * left, so fast threads take more tiles, no thread waits for a slow one mid-job, and a worker that wakes
 * after its job is over finds a different job number and claims nothing. Every finished tile is counted
 * in CTL_FINISHED; the thread that finishes the last one wakes the main thread. Each thread gets its own
 * scratch region, `D_SCRATCH + thread * D_SCRATCH_BYTES`.
 *
 * The module keeps no mutable state in linear memory outside the threads' scratch regions: per-tile state
 * lives there (the GEMM's C target block) or in wasm globals (pooling and reduction geometry), which each
 * thread's instance has its own copy of. Its only data segments are the constant tables of the standard
 * library's float64 math, placed from DATA_BASE up; re-instantiating writes the same bytes again, so any
 * number of instances can share one memory.
 */
import { convDxTile, sumPartialsTile } from './conv';
import { binaryTile, unaryTile } from './elementwise';
import { gemmTile } from './gemm';
import { ld } from './mem';
import {
  CTL_BASE,
  CTL_CLAIM,
  CTL_DESC,
  CTL_FINISHED,
  CTL_HELPED,
  CTL_TILES,
  D_KIND,
  D_SCRATCH,
  D_SCRATCH_BYTES,
  JOB_AVGPOOL,
  JOB_AVGPOOL_BACK,
  JOB_BATCHNORM,
  JOB_BATCHNORM_BACK,
  JOB_BINARY,
  JOB_CONV_DX,
  JOB_GEMM,
  JOB_MAXPOOL,
  JOB_REDUCE,
  JOB_SOFTMAX,
  JOB_SUM_PARTIALS,
  JOB_UNARY,
} from '../src/wasm/layout';
import { batchNormBackTile, batchNormTile } from './norm';
import { avgPoolBackTile, avgPoolTile, maxPoolTile } from './pool';
import { reduceTile, softmaxTile } from './reduce';

const CLAIM: usize = <usize>(CTL_BASE + CTL_CLAIM * 4);
const FINISHED: usize = <usize>(CTL_BASE + CTL_FINISHED * 4);

/** Runs tiles of job `seq` (descriptor at CTL_DESC) until it has none left; `thread` picks the scratch. */
export function work(seq: i32, thread: i32): void {
  for (;;) {
    const w = atomic.load<i64>(CLAIM);
    if (<i32>(w >>> 32) !== seq) return;
    // The tile count and descriptor are trusted only once the claim below succeeds. The main thread
    // publishes a job by writing the new job number first, then these, then tile 0: so if the word
    // still holds `w` at the claim, no later job had started and these values are job `seq`'s; with
    // t < tiles, that job was still running, its descriptor intact.
    const tiles = atomic.load<i32>(<usize>(CTL_BASE + CTL_TILES * 4));
    const desc = <usize>atomic.load<i32>(<usize>(CTL_BASE + CTL_DESC * 4));
    const t = <i32>w;
    if (t >= tiles) return;
    if (atomic.cmpxchg<i64>(CLAIM, w, w + 1) !== w) continue;
    const kind = ld(desc, D_KIND);
    const scratch = <usize>ld(desc, D_SCRATCH) + <usize>thread * <usize>ld(desc, D_SCRATCH_BYTES);
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
    else if (kind === JOB_BATCHNORM) batchNormTile(desc, t);
    else if (kind === JOB_BATCHNORM_BACK) batchNormBackTile(desc, t);
    else unreachable();
    if (thread === 0) {
      atomic.add<i32>(FINISHED, 1);
    } else {
      atomic.add<i32>(<usize>(CTL_BASE + CTL_HELPED * 4), 1);
      if (atomic.add<i32>(FINISHED, 1) === tiles - 1) atomic.notify(FINISHED, 1);
    }
  }
}

/** First byte after the static data: JS places its arena above this. */
export function heapBase(): usize {
  return __heap_base;
}
