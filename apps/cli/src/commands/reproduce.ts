/**
 * @file `tapenet reproduce <experiment> [--quick]`: runs one reproduction (a paper's or the course notes'
 * experiment) seeded and deterministic, and writes its report (report.md, results.json and PNG plots)
 * into a run folder.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writePngAtomic } from '@tapenet/vis';
import { choice, int, parse, str } from '../args.js';
import { BACKENDS, useBackend } from '../backend.js';
import { type Command, EXIT, guarded, type Io, UsageError } from '../command.js';
import { claimRunFolder } from '../run-claim.js';
import { Interrupted, type RunContext } from '../reproduce/experiment.js';
import { EXPERIMENTS } from '../reproduce/index.js';
import { duration, REPORT_FILES, writeReport } from '../reproduce/report.js';

const names = EXPERIMENTS.map((e) => e.name);
const width = Math.max(...names.map((n) => n.length));

const usage = `Usage: tapenet reproduce <experiment> [--quick] [options]

Runs a reproduction, seeded and deterministic (the same seed gives the same numbers), and writes its
report into a run folder: ${REPORT_FILES.markdown} (the table beside the published result, the plots, where the
recipe differs), ${REPORT_FILES.json} (every number measured) and the PNG plots.

Experiments:
${EXPERIMENTS.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}${e.needsData ? ' (needs --data)' : ''}`).join('\n')}

Options:
  --quick              the small size that CI runs (a minute or less); default: the full size
  --seed N             root seed (default 0)
  --epochs N           training epochs (passes) instead of the size's own (the schedules follow)
  --out DIR            run folder (default runs/reproduce-<experiment>-<timestamp>)
  --data DIR           folder with the CIFAR-10 binary files (data_batch_1.bin ... test_batch.bin),
                       for the experiments that need it
  --backend NAME       wasm (default), reference, gpujs
  --threads N          wasm worker threads including the main one (default: all cores)
  -h, --help           this help`;

const OPTIONS = {
  quick: { type: 'boolean' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  out: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
} as const;

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, OPTIONS);
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [name, ...rest] = p.positionals;
  if (name === undefined) throw new UsageError(`missing <experiment>: one of ${names.join(', ')}`);
  const experiment = EXPERIMENTS.find((e) => e.name === name);
  if (experiment === undefined)
    throw new UsageError(`unknown experiment '${name}'; expected one of ${names.join(', ')}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const quick = p.values.quick === true;
  const seed = int(p, 'seed', 0, 0);
  const epochs = str(p, 'epochs') === undefined ? undefined : int(p, 'epochs', 1);
  const dataDir = str(p, 'data');
  if (experiment.needsData && dataDir === undefined) {
    throw new UsageError(
      `${name} needs --data DIR: the folder with the CIFAR-10 binary files (data_batch_1.bin ... data_batch_5.bin, test_batch.bin; the "CIFAR-10 binary version" from https://www.cs.toronto.edu/~kriz/cifar.html)`,
    );
  }
  if (!experiment.needsData && dataDir !== undefined) {
    throw new UsageError(`--data is for the experiments that need it; ${name} loads MNIST by itself`);
  }
  const backendName = choice(p, 'backend', BACKENDS, 'wasm');
  const threads = str(p, 'threads') === undefined ? undefined : int(p, 'threads', 1);
  const started = new Date();
  const out = str(p, 'out') ?? join('runs', `reproduce-${name}-${stamp(started)}`);
  const lock = await claimRunFolder(out, undefined, (line) => io.stdout.write(`${line}\n`));
  try {
    const existing = (await readdir(out)).filter((f) => f === REPORT_FILES.markdown || f === REPORT_FILES.json);
    if (existing.length > 0) {
      throw new UsageError(`--out: '${out}' already holds a reproduction (${existing.join(', ')}); give a new folder`);
    }
    const backend = useBackend(backendName, threads);
    try {
      io.stdout.write(
        `tapenet reproduce ${name} (${quick ? 'quick' : 'full'} size, seed ${seed}) on ${backend.mode}; run folder ${out}\n`,
      );
      const ctx: RunContext = {
        quick,
        seed,
        epochs,
        out,
        dataDir,
        io,
        say: (line) => io.stdout.write(`${line}\n`),
        png: async (file, bytes, caption) => {
          await writePngAtomic(join(out, file), bytes);
          return { file, caption };
        },
      };
      const t0 = performance.now();
      const report = await experiment.run(ctx);
      const seconds = (performance.now() - t0) / 1000;
      const command = [
        'tapenet reproduce',
        name,
        ...(quick ? ['--quick'] : []),
        ...(seed === 0 ? [] : ['--seed', String(seed)]),
        ...(epochs === undefined ? [] : ['--epochs', String(epochs)]),
      ].join(' ');
      await writeReport(out, experiment, report, { command, quick, seed, backend: backend.mode, started, seconds });
      for (const line of report.summary.slice(1)) io.stdout.write(`${line.replaceAll('**', '')}\n`);
      io.stdout.write(`${duration(seconds)} in all; wrote ${join(out, REPORT_FILES.markdown)}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof Interrupted) {
        io.stderr.write(`${e.message}: no report written\n`);
        return EXIT.interrupted;
      }
      throw e;
    } finally {
      backend.release();
    }
  } finally {
    await lock.release();
  }
}

/** `tapenet reproduce`. */
export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "rerun a paper's or the course notes' experiment and write its report with plots",
  usage,
  run: (argv, io) => guarded(reproduceCommand, io, () => run(argv, io)),
};
