/**
 * @file The few pieces of process-wide state, all in one place and all observable: the active backend
 * and the NaN-debug switch. Each has a getter, a setter and a scoped `with*` form.
 */
import { type Backend, type BackendName, backendNames, createBackend, defaultBackendName } from '@tapenet/kernels';

/** Backends that can be selected by name in this build. */
export const availableBackends = (): BackendName[] => backendNames();

const created = new Map<string, Backend>();

/** One instance per name (creating a GPU or threaded backend is expensive). */
function byName(name: string, source: string): Backend {
  let b = created.get(name);
  if (b === undefined) {
    try {
      b = createBackend(name);
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
    created.set(name, b);
  }
  return b;
}

function initialBackend(): Backend {
  const env = typeof process !== 'undefined' ? process.env.TAPENET_BACKEND : undefined;
  return env ? byName(env, 'TAPENET_BACKEND') : byName(defaultBackendName(), 'default backend');
}

let active: Backend | undefined;
let debugNans = typeof process !== 'undefined' && process.env.TAPENET_DEBUG_NANS === '1';

/**
 * The backend new tensors and ops run on: the one set last, else `TAPENET_BACKEND`, else the fast default
 * of `@tapenet/kernels`' `defaultBackendName()` (`wasm` in Node, `reference` where wasm threads do not work).
 */
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
