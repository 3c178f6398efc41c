/**
 * @file A time limit for one long run on a synchronous backend. `deadlineBackend(b)` returns a Backend
 * that forwards to `b` and, while armed, checks the clock before every kernel call, upload and read; the
 * first call after the deadline throws a `StepTimeoutError`. A step (hundreds of kernel calls) therefore
 * stops within one kernel of its limit instead of running for minutes on a slow backend, and the harness
 * records the error in that cell.
 */
import type { Backend, Kernels } from '@tapenet/kernels';

export class StepTimeoutError extends Error {
  constructor(limitMs: number) {
    super(`timeout: one step took over ${Math.round(limitMs / 1000)} s (stopped at the next kernel call)`);
    this.name = 'StepTimeoutError';
  }
}

export interface Deadline {
  /** Use this instead of the wrapped backend. */
  readonly backend: Backend;
  /** Runs `f` with a limit of `ms` on every kernel call it makes on `backend`. */
  within<T>(ms: number, f: () => T): T;
}

export function deadlineBackend(b: Backend): Deadline {
  let limit = 0;
  let until = Number.POSITIVE_INFINITY;
  const check = (): void => {
    if (performance.now() > until) throw new StepTimeoutError(limit);
  };
  const wrapped = new Map<PropertyKey, unknown>();
  const kernels = new Proxy(b.kernels, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (w === undefined) {
        const fn = v as (...args: unknown[]) => unknown;
        w = (...args: unknown[]): unknown => {
          check();
          return fn.apply(target, args);
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  }) as Kernels<unknown>;
  const backend: Backend = {
    name: b.name,
    mode: b.mode,
    upload: (v, s) => {
      check();
      return b.upload(v, s);
    },
    read: (x) => {
      check();
      return b.read(x);
    },
    dispose: (x) => b.dispose(x),
    kernels,
  };
  return {
    backend,
    within: (ms, f) => {
      limit = ms;
      until = performance.now() + ms;
      try {
        return f();
      } finally {
        until = Number.POSITIVE_INFINITY;
      }
    },
  };
}
