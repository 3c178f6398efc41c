/**
 * @file The few pieces of process-wide state, all in one place and all observable: the active backend
 * and the NaN-debug switch. Each has a getter, a setter and a scoped `with*` form.
 */
import { type Backend, type BackendName, reference } from '@tapenet/kernels';

const factories: Record<BackendName, (() => Backend) | undefined> = {
  reference: () => reference,
  gpujs: undefined,
  wasm: undefined,
};

/** Backends that can be selected by name in this build. */
export function availableBackends(): BackendName[] {
  return (Object.keys(factories) as BackendName[]).filter((n) => factories[n] !== undefined);
}

function byName(name: string, source: string): Backend {
  const make = factories[name as BackendName];
  if (make === undefined) {
    throw new Error(`${source}: unknown or unavailable backend '${name}'; available: ${availableBackends().join(', ')}`);
  }
  return make();
}

function initialBackend(): Backend {
  const env = typeof process !== 'undefined' ? process.env.TAPENET_BACKEND : undefined;
  return env ? byName(env, 'TAPENET_BACKEND') : reference;
}

let active: Backend | undefined;
let debugNans = typeof process !== 'undefined' && process.env.TAPENET_DEBUG_NANS === '1';

/** The backend new tensors and ops run on (from `TAPENET_BACKEND`, default `reference`). */
export function getBackend(): Backend {
  active ??= initialBackend();
  return active;
}

/** Selects the backend for subsequent ops, by value or by name. Returns the previous one. */
export function setBackend(backend: Backend | BackendName): Backend {
  const previous = getBackend();
  active = typeof backend === 'string' ? byName(backend, 'setBackend') : backend;
  return previous;
}

/** Runs `fn` with `backend` active, restoring the previous backend afterwards (even on throw). */
export function withBackend<T>(backend: Backend | BackendName, fn: () => T): T {
  const previous = setBackend(backend);
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** Whether every op checks its output for NaN/Inf (`TAPENET_DEBUG_NANS=1` or `setDebugNans(true)`). */
export const getDebugNans = (): boolean => debugNans;

/** Turns NaN/Inf checking on or off; returns the previous setting. */
export function setDebugNans(on: boolean): boolean {
  const previous = debugNans;
  debugNans = on;
  return previous;
}
