/**
 * @file Per-kernel time profile: `profileBackend(b)` returns a Backend that forwards to `b` but times
 * every kernel call (and upload/read), keyed by kernel name plus its op argument where it has one
 * (`binary:add`, `reduce:sum`). Times are exclusive host wall time: a kernel that calls another kernel
 * through the table does not count the inner call twice. On a backend that queues work asynchronously
 * (gpu.js pipelines), work is charged to whichever call waits for it, usually `read`.
 */
import type { Backend } from '@tapenet/kernels';
import { wrapBackend } from './wrap-backend.js';

export type ProfileEntry = { readonly name: string; readonly calls: number; readonly ms: number };

export interface Profiler {
  /** Use this instead of the wrapped backend (e.g. `withBackend(p.backend, step)`). */
  readonly backend: Backend;
  /** Entries sorted by total time, largest first. */
  report(): ProfileEntry[];
  reset(): void;
}

export function profileBackend(b: Backend): Profiler {
  const totals = new Map<string, { calls: number; ms: number }>();
  let childMs = 0;
  // Keyed by kernel plus its op argument where it has one (`binary:add`); time is exclusive of inner calls.
  const backend = wrapBackend(b, (name, args, call) => {
    const outerChild = childMs;
    childMs = 0;
    const t0 = performance.now();
    try {
      return call();
    } finally {
      const dt = performance.now() - t0;
      const key = typeof args[0] === 'string' ? `${name}:${args[0]}` : name;
      const e = totals.get(key) ?? { calls: 0, ms: 0 };
      e.calls += 1;
      e.ms += dt - childMs;
      totals.set(key, e);
      childMs = outerChild + dt;
    }
  });
  return {
    backend,
    report: () => [...totals].map(([name, e]) => ({ name, calls: e.calls, ms: e.ms })).sort((x, y) => y.ms - x.ms),
    reset: () => totals.clear(),
  };
}
