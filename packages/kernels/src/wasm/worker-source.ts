/**
 * @file The source text of a pool worker, plain JavaScript so that it runs unchanged as a Node
 * `worker_threads` worker (`eval: true`, data from `workerData`, as a script or as a module) and as a
 * browser Web Worker (from a Blob URL, data from the first message). Shipping it as a string keeps the package free of worker files that
 * bundlers would have to find.
 *
 * A worker instantiates the shared module on the shared memory, marks itself ready, then loops: wait until
 * the main thread posts a new job number in its job slot, then run `work(seq, index)`, which claims tiles
 * of that job until none is left (and claims nothing when the job is already over). It spins briefly
 * before sleeping in `Atomics.wait`, since jobs of one training step arrive microseconds apart. A trap
 * inside a tile is reported in CTL_ERROR and that tile counted as finished, so the main thread never
 * waits for it forever.
 */
import type { WasmMemory, WasmModule } from './wasm-api.js';
import { CTL_BASE, CTL_ERROR, CTL_FINISHED, CTL_JOB, CTL_QUIT, CTL_READY, CTL_WORDS } from './layout.js';

/** What a worker needs to start: the compiled module, the shared memory and its 1-based index. */
export interface WorkerInit {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly index: number;
  /** Polls of its job slot before sleeping. */
  readonly spin: number;
}

export const WORKER_SOURCE = `'use strict';
function start(init) {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const work = instance.exports.work;
  const c = new Int32Array(init.memory.buffer, ${CTL_BASE}, ${CTL_WORDS});
  const slot = ${CTL_JOB} + init.index;
  let seen = Atomics.load(c, slot);
  Atomics.store(c, ${CTL_READY} + init.index, 1);
  for (;;) {
    let spins = init.spin;
    while (Atomics.load(c, slot) === seen) {
      if (--spins < 0) {
        Atomics.wait(c, slot, seen);
        spins = init.spin;
      }
    }
    seen = Atomics.load(c, slot);
    if (Atomics.load(c, ${CTL_QUIT}) !== 0) return;
    try {
      work(seen, init.index);
    } catch (e) {
      if (typeof console === "object") console.error("tapenet-wasm worker trap:", e && e.stack);
      Atomics.store(c, ${CTL_ERROR}, 1);
      Atomics.add(c, ${CTL_FINISHED}, 1);
      Atomics.notify(c, ${CTL_FINISHED});
    }
  }
}
// Node: the eval'd source runs as CommonJS or, when the process was started with --input-type=module
// (workers inherit execArgv), as a module; getBuiltinModule works in both.
const nodeWorker =
  typeof process === 'object' && typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:worker_threads')
    : undefined;
if (nodeWorker !== undefined && nodeWorker.workerData) {
  start(nodeWorker.workerData);
} else {
  self.onmessage = (e) => {
    self.onmessage = null;
    start(e.data);
    self.close();
  };
}
`;
