/**
 * @file Public surface of @tapenet/bench, for scripts that want the numbers rather than the printed
 * table: run the benchmark, render its report and chart, or profile a backend's kernels.
 */
export { type CliOptions, parseArgs, USAGE } from './args.js';
export { agree, fingerprints } from './check.js';
export { measure, type TimingOptions } from './harness.js';
export { type Machine, machineInfo } from './machine.js';
export { type ProfileEntry, type Profiler, profileBackend } from './profile.js';
export { renderSvg } from './report/svg.js';
export { renderReport } from './report/table.js';
export { type BenchOptions, type BenchResult, type ImplInfo, type Profile, type Row, runBench } from './run.js';
export type { Cell, Fingerprint, Impl, Output, Runner, Scale, Unavailable, Workload, WorkloadSpec } from './types.js';
export { workloads } from './workloads.js';
