/**
 * @file The worker pool: `size` workers (node:worker_threads in Node, Web Workers in browsers) that share
 * the module's one WebAssembly.Memory with the main thread and run jobs with it, synchronised with
 * Atomics on the control block at CTL_BASE.
 *
 * The main thread always takes part: `run` posts the job's number to ready workers, calls `work` itself,
 * then waits until every tile is finished. It never waits for a worker that found no tile left (one that
 * the OS had not scheduled yet on a busy machine, say): such a worker sees a newer job number in the
 * claim word and goes back to sleep. Workers that are still starting are simply not asked (a job never
 * waits for a worker to boot). Workers are unref'd, so an idle pool never keeps Node alive, and
 * `destroy()` stops them.
 */
import { CTL_BASE, CTL_ERROR, CTL_FINISHED, CTL_JOB, CTL_QUIT, CTL_READY, CTL_SEQ, CTL_WORDS } from './layout.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';
import { WORKER_SOURCE, type WorkerInit } from './worker-source.js';

/** The part of a Node or browser worker the pool uses. */
interface PoolWorker {
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (
    src: string,
    opts: { eval: true; workerData: WorkerInit; name?: string },
  ) => PoolWorker & { unref(): void; on(event: 'error', fn: (e: Error) => void): void };
}

interface BrowserWorkerGlobals {
  Worker?: new (url: string) => PoolWorker & { postMessage(m: WorkerInit): void };
  Blob?: new (parts: string[], opts: { type: string }) => object;
  URL?: { createObjectURL(b: object): string; revokeObjectURL(u: string): void };
}

/** Node's `process.getBuiltinModule` (Node ≥ 20.16), read without a static import so browsers load this file. */
function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/** Cores available to this process (Node), `navigator.hardwareConcurrency` (browsers), or 1. */
export function availableCores(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** Whether this thread may block in `Atomics.wait` (Node's main thread may; a browser page may not). */
function canBlock(c: Int32Array): boolean {
  try {
    Atomics.wait(c, CTL_SEQ, -1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly workers: PoolWorker[] = [];
  private readonly blocking: boolean;
  private readonly revoke: (() => void) | undefined;
  private failure: Error | undefined;
  private destroyed = false;

  /** Starts `size` workers (indices 1..size); threads are ready a few milliseconds later. */
  constructor(module: WasmModule, memory: WasmMemory, size: number, spin: number) {
    this.ctl = new Int32Array(memory.buffer, CTL_BASE, CTL_WORDS);
    this.blocking = canBlock(this.ctl);
    const wt = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
    if (wt !== undefined) {
      for (let index = 1; index <= size; index++) {
        const w = new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, index, spin },
          name: `tapenet-wasm-${index}`,
        });
        w.unref();
        w.on('error', (e) => {
          this.failure = e;
        });
        this.workers.push(w);
      }
      this.revoke = undefined;
      return;
    }
    const g = globalThis as BrowserWorkerGlobals;
    if (g.Worker === undefined || g.Blob === undefined || g.URL === undefined) {
      throw new Error('wasm backend: no Worker here (neither node:worker_threads nor Web Workers)');
    }
    const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    for (let index = 1; index <= size; index++) {
      const w = new g.Worker(url);
      w.postMessage({ module, memory, index, spin });
      this.workers.push(w);
    }
    const urls = g.URL;
    this.revoke = () => urls.revokeObjectURL(url);
  }

  /** Number of workers (the main thread not counted). */
  get size(): number {
    return this.workers.length;
  }

  /** Workers that have started and are listening. */
  ready(): number {
    let n = 0;
    for (let w = 1; w <= this.workers.length; w++) n += Atomics.load(this.ctl, CTL_READY + w);
    return n;
  }

  /**
   * Runs job `seq` (already published in the control block, see `Runtime.run`) on the main thread and up
   * to `helpers` ready workers; returns when all `tiles` tiles are finished. `work` is the main thread's
   * instance export.
   */
  run(work: (seq: number, thread: number) => void, seq: number, helpers: number, tiles: number): void {
    if (this.destroyed) throw new Error('wasm backend: used after destroy()');
    if (this.failure !== undefined) throw new Error(`wasm backend: a worker failed: ${this.failure.message}`);
    const c = this.ctl;
    let posted = 0;
    for (let w = 1; w <= this.workers.length && posted < helpers; w++) {
      if (Atomics.load(c, CTL_READY + w) === 0) continue;
      Atomics.store(c, CTL_JOB + w, seq);
      Atomics.notify(c, CTL_JOB + w);
      posted++;
    }
    work(seq, 0);
    this.waitFinished(tiles);
    if (Atomics.load(c, CTL_ERROR) !== 0) throw new Error('wasm backend: a worker trapped');
  }

  /**
   * Spins, then (where allowed) sleeps, until `tiles` tiles are finished: the main thread has claimed the
   * last tile already, so only tiles that workers are running now remain. The worker that finishes the
   * last one wakes a sleeping main thread; the spin (about 0.1 ms) covers most jobs' tails.
   */
  private waitFinished(tiles: number): void {
    const c = this.ctl;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, CTL_FINISHED);
      if (done >= tiles) return;
      if (this.blocking && ++spins > 50_000) Atomics.wait(c, CTL_FINISHED, done, 5);
    }
  }

  /** Stops every worker; the pool cannot run jobs afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const c = this.ctl;
    Atomics.store(c, CTL_QUIT, 1);
    for (let w = 1; w <= this.workers.length; w++) {
      Atomics.add(c, CTL_JOB + w, 1);
      Atomics.notify(c, CTL_JOB + w);
    }
    for (const w of this.workers) void w.terminate();
    this.revoke?.();
  }
}
