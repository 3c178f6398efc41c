/**
 * @file Per-kernel time profile: `profileBackend(b)` returns a Backend that forwards to `b` but times
 * every kernel call (and upload/read), keyed by kernel name plus its op argument where it has one
 * (`binary:add`, `reduce:sum`). Times are exclusive host wall time: a kernel that calls another kernel
 * through the table does not count the inner call twice. On a backend that queues work asynchronously
 * (gpu.js pipelines), work is charged to whichever call waits for it, usually `read`.
 */
import type { Backend, Kernels } from '@tapenet/kernels';

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
  const timed = <A extends unknown[], R>(name: (args: A) => string, f: (...args: A) => R) => {
    return (...args: A): R => {
      const outerChild = childMs;
      childMs = 0;
      const t0 = performance.now();
      try {
        return f(...args);
      } finally {
        const dt = performance.now() - t0;
        const key = name(args);
        const e = totals.get(key) ?? { calls: 0, ms: 0 };
        e.calls += 1;
        e.ms += dt - childMs;
        totals.set(key, e);
        childMs = outerChild + dt;
      }
    };
  };
  const wrapped = new Map<PropertyKey, unknown>();
  const kernels = new Proxy(b.kernels, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (w === undefined) {
        const fn = v as (...args: unknown[]) => unknown;
        w = timed(
          (args: unknown[]) => (typeof args[0] === 'string' ? `${String(prop)}:${args[0]}` : String(prop)),
          (...args: unknown[]) => fn.apply(target, args),
        );
        wrapped.set(prop, w);
      }
      return w;
    },
  }) as Kernels<unknown>;
  const backend: Backend = {
    name: b.name,
    mode: b.mode,
    upload: timed(
      () => 'upload',
      (v: Parameters<Backend['upload']>[0], s: Parameters<Backend['upload']>[1]) => b.upload(v, s),
    ),
    read: timed(
      () => 'read',
      (x: Parameters<Backend['read']>[0]) => b.read(x),
    ),
    dispose: (x) => b.dispose(x),
    kernels,
  };
  return {
    backend,
    report: () => [...totals].map(([name, e]) => ({ name, calls: e.calls, ms: e.ms })).sort((x, y) => y.ms - x.ms),
    reset: () => totals.clear(),
  };
}
