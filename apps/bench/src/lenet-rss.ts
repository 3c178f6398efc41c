/**
 * @file `pnpm --filter @tapenet/bench run rss`: trains the benchmark's LeNet-5 (batch 64, fixed synthetic
 * batch, SGD) for a long run on one tapenet backend and prints the resident set size and step time at
 * checkpoints, to show that memory stays flat over a long training run (issue 5 asks for 100 and 2000
 * steps). Options: `--backend NAME` (default wasm), `--threads N`, `--steps N` (default 2000),
 * `--at a,b,...` (checkpoints, default 100,500,1000,2000).
 */
import { createBackend } from '@tapenet/kernels';
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
  const backend = createBackend(name, threads === undefined ? {} : { threads });
  const trainer = tapenetLenet(backend);
  const { x, y } = lenetBatch(64);
  const gc = (globalThis as { gc?: () => void }).gc;
  process.stdout.write(`LeNet-5 b64 on ${name} (${backend.mode}), ${steps} steps; node ${process.version}\n`);
  process.stdout.write('step   loss      RSS MiB  heapUsed MiB  external+arrayBuffers MiB  ms/step (last window)\n');
  let t0 = performance.now();
  let last = 0;
  for (let s = 1; s <= steps; s++) {
    const loss = await trainer.step(x, y);
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
        ms.toFixed(2).padStart(22),
      ];
      process.stdout.write(`${line.join(' ')}\n`);
      last = s;
      t0 = performance.now();
    }
  }
  trainer.dispose();
  (backend as { destroy?: () => void }).destroy?.();
  return 0;
}
