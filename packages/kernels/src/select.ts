/**
 * @file Backend selection by name. Each backend module contributes one entry to `FACTORIES`; creating a
 * backend that cannot run here throws an error saying why and what to install (never a silent fallback).
 */
import type { Backend, BackendName } from './backend.js';
import { createGpujsBackend, parseGpujsMode } from './gpujs/index.js';
import { reference } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';
import { wasmThreadsWork } from './wasm/probe.js';

/** Options understood by `createBackend`; each backend reads its own. */
export type BackendOptions = {
  /** gpujs: the gpu.js mode ('gpu', 'webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm', 'cpu'). */
  readonly mode?: string;
  /** wasm: number of worker threads (default: available cores). */
  readonly threads?: number;
  /** wasm: use the relaxed-SIMD fused multiply-add build (default: where the engine supports it). */
  readonly fma?: boolean;
};

const FACTORIES: { readonly [K in BackendName]: ((o: BackendOptions) => Backend) | undefined } = {
  reference: () => reference,
  gpujs: (o) => createGpujsBackend({ mode: parseGpujsMode(o.mode ?? 'gpu') }),
  wasm: (o) => createWasmBackend(o),
};

/** Backends compiled into this build of @tapenet/kernels. */
export const backendNames = (): BackendName[] =>
  (Object.keys(FACTORIES) as BackendName[]).filter((n) => FACTORIES[n] !== undefined);

/** Creates a backend by name; throws when the name is unknown or the backend cannot run here. */
export function createBackend(name: string, options: BackendOptions = {}): Backend {
  const make = FACTORIES[name as BackendName];
  if (make === undefined) {
    throw new Error(`createBackend: unknown or unavailable backend '${name}'; available: ${backendNames().join(', ')}`);
  }
  return make(options);
}

/**
 * The backend to use when the user names none: `'wasm'` where WebAssembly SIMD, shared memory and
 * worker threads all work (Node), else `'reference'`. The answer is probed once and cached. GPU modes are
 * never picked here: they are opt-in by name (`'gpujs'`).
 *
 * @example
 * const backend = createBackend(defaultBackendName()); // wasm in Node, reference elsewhere
 */
export function defaultBackendName(): BackendName {
  return wasmThreadsWork() ? 'wasm' : 'reference';
}
