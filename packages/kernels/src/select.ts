/**
 * @file Backend selection by name. Each backend module contributes one entry to `FACTORIES`; creating a
 * backend that cannot run here throws an error saying why and what to install (never a silent fallback).
 * The gpujs backend lives in its own package, `@tapenet/backend-gpujs` (gpu.js pulls in the native `gl`
 * module), so it has no factory here: users pass its backend object to autodiff's `setBackend`.
 */
import type { Backend, BackendName } from './backend.js';
import { reference } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';
import { wasmThreadsWork } from './wasm/probe.js';

/** Options understood by `createBackend`; each backend reads its own. */
export type BackendOptions = {
  /** wasm: number of worker threads (default: available cores). */
  readonly threads?: number;
  /** wasm: use the relaxed-SIMD fused multiply-add build (default: where the engine supports it). */
  readonly fma?: boolean;
};

const FACTORIES: { readonly [K in BackendName]: ((o: BackendOptions) => Backend) | undefined } = {
  reference: () => reference,
  gpujs: undefined,
  wasm: (o) => createWasmBackend(o),
};

/** Why a backend named here has no factory in this package, and what to do instead. */
const ELSEWHERE: { readonly [K in BackendName]?: string } = {
  gpujs:
    "the gpujs backend is not part of @tapenet/kernels: install @tapenet/backend-gpujs and pass it explicitly, e.g. setBackend(createGpujsBackend({ mode: 'cpu' }))",
};

/** Backends compiled into this build of @tapenet/kernels. */
export const backendNames = (): BackendName[] =>
  (Object.keys(FACTORIES) as BackendName[]).filter((n) => FACTORIES[n] !== undefined);

/** Creates a backend by name; throws when the name is unknown or the backend cannot run here. */
export function createBackend(name: string, options: BackendOptions = {}): Backend {
  const own = (table: object): boolean => Object.hasOwn(table, name);
  const make = own(FACTORIES) ? FACTORIES[name as BackendName] : undefined;
  const elsewhere = own(ELSEWHERE) ? ELSEWHERE[name as BackendName] : undefined;
  if (elsewhere !== undefined) throw new Error(`createBackend('${name}'): ${elsewhere}`);
  if (make === undefined) {
    throw new Error(`createBackend: unknown or unavailable backend '${name}'; available: ${backendNames().join(', ')}`);
  }
  return make(options);
}

/**
 * The backend to use when the user names none: `'wasm'` where WebAssembly SIMD, shared memory and
 * worker threads all work (Node), else `'reference'`. The answer is probed once and cached. GPU modes are
 * never picked here: they are opt-in (`@tapenet/backend-gpujs`).
 *
 * @example
 * const backend = createBackend(defaultBackendName()); // wasm in Node, reference elsewhere
 */
export function defaultBackendName(): BackendName {
  return wasmThreadsWork() ? 'wasm' : 'reference';
}
