/**
 * @file `pnpm --filter @tapenet/bench run rss`: trains the benchmark's LeNet-5 (batch 64, fixed synthetic
 * batch, SGD) for a long run on one tapenet backend and prints the resident set size and step time at
 * checkpoints, to show that memory stays flat over a long training run. Options: `--backend NAME`
 * (default wasm), `--threads N`, `--steps N` (default 2000), `--at a,b,...` (checkpoints, default
 * 100,500,1000,2000), `--scope` (each step inside `scope`, the replaced params released at once; without
 * it every buffer waits for the garbage collector and the FinalizationRegistry), `--yield` (await a
 * macrotask after every step, as `fit` does, so finalizers get a chance to run). On the wasm backend it
 * also prints the heap's live bytes, its high-water mark and the size of the wasm memory from `stats()`.
 */
import { createBackend, type WasmBackend } from '@tapenet/kernels';
import { lenetBatch } from './data.js';
import { tapenetLenet } from './tapenet/lenet.js';

const MiB = 2 ** 20;

/** Runs with command-line `argv`; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const arg = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const name = arg('--backend', 'wasm');
  const threads = argv.includes('--threads') ? Number(arg('--threads', '1')) : undefined;
  const steps = Number(arg('--steps', '2000'));
  const at = new Set(arg('--at', '100,500,1000,2000').split(',').map(Number));
  const scoped = argv.includes('--scope');
  const yieldEach = argv.includes('--yield');
  const backend = createBackend(name, threads === undefined ? {} : { threads });
  const wasm = backend.name === 'wasm' ? (backend as WasmBackend) : undefined;
  const trainer = tapenetLenet(backend, { release: scoped });
  const { x, y } = lenetBatch(64);
  const gc = (globalThis as { gc?: () => void }).gc;
  const how = scoped ? 'each step in scope, replaced params released' : 'no scope (buffers wait for GC)';
  const gcNote = gc ? 'gc() before each checkpoint' : 'no gc() (run node with --expose-gc for it)';
  process.stdout.write(
    `LeNet-5 b64 on ${name} (${backend.mode}), ${steps} steps, ${how}${yieldEach ? ', a macrotask after each step' : ''}; ${gcNote}; node ${process.version}\n`,
  );
  const wasmHead = wasm ? '  wasm live MiB  wasm high-water MiB  wasm memory MiB' : '';
  process.stdout.write(
    `step   loss      RSS MiB  heapUsed MiB  external+arrayBuffers MiB${wasmHead}  ms/step (last window)\n`,
  );
  let t0 = performance.now();
  let last = 0;
  for (let s = 1; s <= steps; s++) {
    const loss = await trainer.step(x, y);
    if (yieldEach) await new Promise((resolve) => setImmediate(resolve));
    if (at.has(s)) {
      const ms = (performance.now() - t0) / (s - last);
      gc?.();
      const m = process.memoryUsage();
      const line = [
        String(s).padStart(5),
        loss.toFixed(4).padStart(8),
        (m.rss / MiB).toFixed(1).padStart(10),
        (m.heapUsed / MiB).toFixed(1).padStart(13),
        ((m.external + m.arrayBuffers) / MiB).toFixed(1).padStart(26),
      ];
      if (wasm) {
        const w = wasm.stats();
        line.push(
          (w.liveBytes / MiB).toFixed(1).padStart(14),
          (w.highWaterBytes / MiB).toFixed(1).padStart(20),
          (w.memoryBytes / MiB).toFixed(1).padStart(16),
        );
      }
      line.push(ms.toFixed(2).padStart(22));
      process.stdout.write(`${line.join(' ')}\n`);
      last = s;
      t0 = performance.now();
    }
  }
  trainer.dispose();
  (backend as { destroy?: () => void }).destroy?.();
  return 0;
}
