/** @file Command-line options of `pnpm bench`. */
import type { TimingOptions } from './harness.js';
import type { Scale } from './types.js';

export type CliOptions = {
  readonly set: 'quick' | 'full';
  readonly scale: Scale;
  readonly timing: TimingOptions;
  readonly only?: RegExp;
  readonly impls?: RegExp;
  readonly mnistImages: number;
  readonly profileSteps: number;
  /** Directory for latest.json / latest.svg; null: write nothing. */
  readonly out: string | null;
};

export const USAGE = `Usage: pnpm bench [options]
  --quick             the quick set (default; meant to stay under two minutes)
  --full              every row: matmul 1024, ResNet conv, conv fwd+bwd on every layer, VGG pooling, zoo rows, MNIST epoch
  --reps N            timed samples per implementation and row (median reported)
  --only REGEX        only rows whose id or title matches (e.g. --only conv, --only 'lenet|mnist')
  --impls REGEX       only implementations whose id matches (e.g. --impls 'reference|tfjs-wasm')
  --mnist-images N    images in the MNIST epoch row (default 60000, the whole training set)
  --scale smoke       tiny sizes (what the smoke test runs); numbers are meaningless
  --out DIR           where latest.json and latest.svg go (default: apps/bench/results)
  --no-write          print only
  --help`;

/** Parses argv; throws an Error whose message is the problem plus the usage text. */
export function parseArgs(argv: readonly string[], defaultOut: string): CliOptions {
  let set: 'quick' | 'full' = 'quick';
  let scale: Scale = 'normal';
  let reps: number | undefined;
  let only: RegExp | undefined;
  let impls: RegExp | undefined;
  let mnistImages = 60000;
  let out: string | null = defaultOut;
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const int = (): number => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive integer\n${USAGE}`);
      return v;
    };
    if (a === '--quick') set = 'quick';
    else if (a === '--full') set = 'full';
    else if (a === '--reps') reps = int();
    else if (a === '--only') only = new RegExp(value(), 'i');
    else if (a === '--impls') impls = new RegExp(value(), 'i');
    else if (a === '--mnist-images') mnistImages = int();
    else if (a === '--scale') {
      const v = value();
      if (v !== 'smoke' && v !== 'normal') throw new Error(`--scale is 'smoke' or 'normal'\n${USAGE}`);
      scale = v;
    } else if (a === '--out') out = value();
    else if (a === '--no-write') out = null;
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  const timing: TimingOptions =
    scale === 'smoke'
      ? { reps: reps ?? 1, warmupMs: 0, targetSampleMs: 0, maxInner: 1, cellBudgetMs: 0 }
      : set === 'quick'
        ? { reps: reps ?? 5, warmupMs: 300, targetSampleMs: 50, maxInner: 200, cellBudgetMs: 2000 }
        : { reps: reps ?? 10, warmupMs: 1000, targetSampleMs: 200, maxInner: 500, cellBudgetMs: 20000 };
  const profileSteps = scale === 'smoke' ? 1 : set === 'quick' ? 3 : 10;
  return { set, scale, timing, mnistImages, profileSteps, out, ...(only ? { only } : {}), ...(impls ? { impls } : {}) };
}
