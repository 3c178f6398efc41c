/**
 * @file Timing. For one workload: prepare it on every implementation, warm each up (which also calibrates
 * how many runs make one sample and records a checksum of the first run), then take samples round-robin,
 * rotating the starting implementation every repetition so drift in machine load spreads evenly, and
 * report the median. A run includes reading its results back, so nothing is still pending at the stop.
 * An implementation whose first run lasts five cell budgets gets that run as its only sample.
 */

/** A first run longer than this many cell budgets is kept as the only sample. */
const SOLE_SAMPLE_BUDGETS = 5;
import { fingerprints } from './check.js';
import type { Cell, Fingerprint, Impl, Output, Runner, Workload } from './types.js';

export type TimingOptions = {
  /** Timed samples per implementation (fewer when `cellBudgetMs` runs out; at least one). */
  readonly reps: number;
  /** Warm-up keeps running until this much time has passed (at least one run). */
  readonly warmupMs: number;
  /** A sample repeats the workload until it lasts about this long (for sub-millisecond workloads). */
  readonly targetSampleMs: number;
  /** Upper bound on repeats inside one sample. */
  readonly maxInner: number;
  /** Stop taking samples of one implementation once its timed samples add up to this. */
  readonly cellBudgetMs: number;
};

const shortError = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);

const now = (): number => performance.now();

/** Runs once; awaits only when the implementation is asynchronous. */
async function once(r: Runner): Promise<Output> {
  const out = r.run();
  return out instanceof Promise ? await out : out;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

type Slot = {
  readonly impl: Impl;
  runner?: Runner;
  inner: number;
  check?: Fingerprint[];
  samples: number[];
  spent: number;
  cell?: Cell;
};

/** Measures one workload on every implementation; never throws (failures become error cells). */
export async function measure(
  w: Workload,
  impls: readonly Impl[],
  opts: TimingOptions,
  log: (line: string) => void = () => {},
): Promise<Record<string, Cell>> {
  if (w.spec.kind === 'pending') {
    const reason = w.spec.reason;
    return Object.fromEntries(impls.map((i) => [i.id, { status: 'skipped', reason }] as const));
  }
  const slots: Slot[] = impls.map((impl) => ({ impl, inner: 1, samples: [], spent: 0 }));
  const fail = (s: Slot, e: unknown): void => {
    s.cell = { status: 'error', error: shortError(e) };
    log(`  ${s.impl.id}: ${s.cell.error}`);
  };
  const reps = w.spec.kind === 'mnist-epoch' ? 1 : opts.reps;

  for (const s of slots) {
    try {
      s.runner = await s.impl.prepare(w.spec);
      await s.runner.activate?.();
      if (s.runner.warmup) {
        await s.runner.warmup();
        continue;
      }
      const start = now();
      let last = Number.POSITIVE_INFINITY;
      let calls = 0;
      do {
        const t0 = now();
        const out = await once(s.runner);
        last = now() - t0;
        calls += 1;
        s.check ??= fingerprints(w.unit, out);
      } while (now() - start < opts.warmupMs);
      if (calls === 1 && opts.cellBudgetMs > 0 && last >= SOLE_SAMPLE_BUDGETS * opts.cellBudgetMs) {
        // A first run this long is its one sample: compile time (jax-js needs seconds for big convs)
        // is small next to it, and running it again would double the slowest cells (minutes each).
        s.samples.push(last);
        s.spent = last;
      }
      s.inner = Math.max(1, Math.min(opts.maxInner, Math.ceil(opts.targetSampleMs / Math.max(last, 1e-3))));
    } catch (e) {
      fail(s, e);
    }
  }

  for (let r = 0; r < reps; r++) {
    const order = slots.map((_, i) => slots[(i + r) % slots.length]!);
    for (const s of order) {
      if (s.cell || !s.runner || (s.samples.length > 0 && s.spent >= opts.cellBudgetMs)) continue;
      try {
        await s.runner.activate?.();
        const t0 = now();
        for (let i = 0; i < s.inner; i++) {
          const out = await once(s.runner);
          s.check ??= fingerprints(w.unit, out);
        }
        const dt = now() - t0;
        s.spent += dt;
        s.samples.push(dt / s.inner);
      } catch (e) {
        fail(s, e);
      }
    }
  }

  const cells: Record<string, Cell> = {};
  for (const s of slots) {
    try {
      s.runner?.dispose();
    } catch {
      // disposal failures do not change the measurement
    }
    if (s.cell) {
      cells[s.impl.id] = s.cell;
      continue;
    }
    const med = median(s.samples);
    cells[s.impl.id] = {
      status: 'ok',
      medianMs: med,
      minMs: Math.min(...s.samples),
      maxMs: Math.max(...s.samples),
      samples: s.samples.length,
      inner: s.inner,
      throughput: w.unit === 'GFLOP/s' ? w.work / (med * 1e6) : w.work / (med / 1e3),
      check: s.check ?? [],
    };
  }
  return cells;
}
