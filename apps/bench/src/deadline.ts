/**
 * @file A time limit for one long run on a synchronous backend. `deadlineBackend(b)` returns a Backend
 * that forwards to `b` and, while armed, checks the clock before every kernel call, upload and read; the
 * first call after the deadline throws a `StepTimeoutError`. A step (hundreds of kernel calls) therefore
 * stops within one kernel of its limit instead of running for minutes on a slow backend, and the harness
 * records the error in that cell.
 */
import type { Backend } from '@tapenet/kernels';
import { wrapBackend } from './wrap-backend.js';

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
  const backend = wrapBackend(b, (_name, _args, call) => {
    check();
    return call();
  });
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
