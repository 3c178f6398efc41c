/**
 * @file One benchmark run: collect the implementations, measure every selected row on all of them in
 * this one process, compute ratios and checksum agreement, and profile the LeNet step. Returns plain
 * data; printing and files are the caller's business (main.ts), so the smoke test runs the same path.
 */
import os from 'node:os';
import type { Backend } from '@tapenet/kernels';
import { agree } from './check.js';
import { lenetBatch } from './data.js';
import { measure, type TimingOptions } from './harness.js';
import { type Machine, machineInfo, peakRssMiB } from './machine.js';
import { convnetImpls } from './peers/convnet.js';
import { jaxImpls } from './peers/jax.js';
import { tfjsImpls } from './peers/tfjs.js';
import { type ProfileEntry, profileBackend } from './profile.js';
import { tapenetLenet } from './tapenet/lenet.js';
import { tapenetImpls } from './tapenet/impls.js';
import type { Cell, Fingerprint, Impl, Scale, Unavailable, Unit } from './types.js';
import { workloads } from './workloads.js';

export type BenchOptions = {
  readonly set: 'quick' | 'full';
  readonly scale: Scale;
  readonly timing: TimingOptions;
  /** Only rows whose id or title matches. */
  readonly only?: RegExp;
  /** Only implementations whose id matches. */
  readonly impls?: RegExp;
  readonly mnistImages: number;
  /** Steps timed for the per-kernel profile of the LeNet step (0: no profile). */
  readonly profileSteps: number;
  readonly log?: (line: string) => void;
};

export type ImplInfo = {
  readonly id: string;
  readonly family: 'tapenet' | 'peer';
  readonly mode: string;
  readonly notes: string;
};

export type Row = {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly work: number;
  readonly formula: string;
  readonly cells: Record<string, Cell>;
  /** The fastest tapenet implementation on this row. */
  readonly best: { readonly id: string; readonly throughput: number } | null;
  /** best tapenet throughput / peer throughput, per peer (> 1: tapenet is faster); null where either failed. */
  readonly ratios: Record<string, number | null>;
  /** Implementations whose first-run outputs disagree with the first tapenet column's (see check.ts). */
  readonly mismatches: readonly string[];
};

export type Profile = {
  readonly impl: string;
  readonly batch: number;
  readonly steps: number;
  /** Mean wall time of one step. */
  readonly stepMs: number;
  /** Per step; `(outside kernels)` is autodiff, tape and JS time between kernel calls. */
  readonly entries: readonly ProfileEntry[];
};

export type BenchResult = {
  readonly date: string;
  readonly machine: Machine;
  readonly options: {
    readonly set: string;
    readonly scale: Scale;
    readonly timing: TimingOptions;
    readonly only?: string;
    readonly impls?: string;
  };
  readonly impls: readonly ImplInfo[];
  readonly unavailable: readonly Unavailable[];
  readonly rows: readonly Row[];
  readonly profile: Profile | null;
  readonly peakRssMiB: number;
  readonly loadEnd: readonly number[];
  readonly seconds: number;
};

function summarise(cells: Record<string, Cell>, impls: readonly Impl[]): Pick<Row, 'best' | 'ratios' | 'mismatches'> {
  let best: Row['best'] = null;
  let ref: readonly Fingerprint[] | undefined;
  for (const i of impls) {
    const c = cells[i.id];
    if (i.family !== 'tapenet' || c?.status !== 'ok') continue;
    ref ??= c.check;
    if (best === null || c.throughput > best.throughput) best = { id: i.id, throughput: c.throughput };
  }
  const ratios: Record<string, number | null> = {};
  const mismatches: string[] = [];
  for (const i of impls) {
    const c = cells[i.id];
    if (c?.status === 'ok' && ref !== undefined && !agree(c.check, ref)) mismatches.push(i.id);
    if (i.family === 'peer') ratios[i.id] = best && c?.status === 'ok' ? best.throughput / c.throughput : null;
  }
  return { best, ratios, mismatches };
}

/** Times the LeNet step on a profiled copy of `backend`, kernel by kernel. */
function profileLenet(id: string, backend: Backend, batch: number, steps: number): Profile {
  const p = profileBackend(backend);
  const trainer = tapenetLenet(p.backend);
  const { x, y } = lenetBatch(batch);
  trainer.step(x, y);
  p.reset();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step(x, y);
  const stepMs = (performance.now() - t0) / steps;
  const entries = p.report().map((e) => ({ name: e.name, calls: e.calls / steps, ms: e.ms / steps }));
  const inKernels = entries.reduce((s, e) => s + e.ms, 0);
  return {
    impl: id,
    batch,
    steps,
    stepMs,
    entries: [...entries, { name: '(outside kernels)', calls: 0, ms: Math.max(0, stepMs - inKernels) }],
  };
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? (() => {});
  const started = performance.now();
  const machine = machineInfo();
  const tapenet = tapenetImpls();
  const groups = [tapenet, await tfjsImpls(), await jaxImpls(), await convnetImpls()];
  const keep = (id: string): boolean => o.impls === undefined || o.impls.test(id);
  const impls = groups.flatMap((g) => g.impls).filter((i) => keep(i.id));
  const unavailable = groups.flatMap((g) => g.unavailable).filter((u) => keep(u.id));
  for (const i of impls) log(`using ${i.id}: ${i.mode}`);
  for (const u of unavailable) log(`unavailable ${u.id}: ${u.reason}`);

  const selected = workloads(o.scale, o.mnistImages).filter(
    (w) =>
      (o.set === 'full' || w.set === 'quick') && (o.only === undefined || o.only.test(w.id) || o.only.test(w.title)),
  );
  const rows: Row[] = [];
  for (const w of selected) {
    log(`${w.id} …`);
    const cells = await measure(w, impls, o.timing, log);
    rows.push({
      id: w.id,
      title: w.title,
      unit: w.unit,
      work: w.work,
      formula: w.formula,
      cells,
      ...summarise(cells, impls),
    });
  }

  let profile: Profile | null = null;
  const lenet = rows.find((r) => r.id === 'lenet5-step');
  const backend = lenet?.best ? tapenet.backends.get(lenet.best.id) : undefined;
  const spec = selected.find((w) => w.id === 'lenet5-step')?.spec;
  if (o.profileSteps > 0 && lenet?.best && backend && spec?.kind === 'lenet-step') {
    log(`profiling the LeNet step on ${lenet.best.id} …`);
    profile = profileLenet(lenet.best.id, backend, spec.batch, o.profileSteps);
  }
  return {
    date: new Date().toISOString(),
    machine,
    options: {
      set: o.set,
      scale: o.scale,
      timing: o.timing,
      ...(o.only ? { only: o.only.source } : {}),
      ...(o.impls ? { impls: o.impls.source } : {}),
    },
    impls: impls.map(({ id, family, mode, notes }) => ({ id, family, mode, notes })),
    unavailable,
    rows,
    profile,
    peakRssMiB: peakRssMiB(),
    loadEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
