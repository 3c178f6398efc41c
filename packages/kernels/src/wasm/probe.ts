/**
 * @file Whether the wasm backend can run here with threads: WebAssembly with SIMD, shared memory, and
 * `node:worker_threads`. Used by `defaultBackendName()`; probed once, without starting any worker.
 */
import { WASM_SHARED } from './binary.generated.js';
import { decode, sharedMemoryAvailable } from './runtime.js';

let cached: boolean | undefined;

interface ProbeApi {
  validate(bytes: Uint8Array): boolean;
}

/** Node's `process.getBuiltinModule`, read without a static import so browsers load this file. */
function hasWorkerThreads(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:worker_threads') !== undefined;
  } catch {
    return false;
  }
}

/** True where the backend's shared-memory module validates and worker threads exist (Node ≥ 20.16). */
export function wasmThreadsWork(): boolean {
  if (cached !== undefined) return cached;
  const api = (globalThis as { WebAssembly?: ProbeApi }).WebAssembly;
  cached = false;
  if (api !== undefined && sharedMemoryAvailable() && hasWorkerThreads()) {
    try {
      // The real module: it needs SIMD, threads (atomics) and a shared memory import to validate.
      cached = api.validate(decode(WASM_SHARED));
    } catch {
      cached = false;
    }
  }
  return cached;
}
