/**
 * @file The backend picker: wasm with threads (needs cross-origin isolation for SharedArrayBuffer), wasm on
 * one thread, gpu.js in WebGL2, and the readable reference backend. `unavailable` says why a choice cannot
 * run in this browser; `pickBackend` falls back visibly (the caller shows the reason), never silently.
 */
import { createGpujsBackend } from '@tapenet/backend-gpujs';
import { type Backend, createWasmBackend, reference } from '@tapenet/kernels';

export type Choice = 'wasm-threads' | 'wasm-1' | 'gpujs-webgl2' | 'reference';

export const CHOICES: readonly { readonly id: Choice; readonly label: string }[] = [
  { id: 'wasm-threads', label: 'wasm, threads' },
  { id: 'wasm-1', label: 'wasm, 1 thread' },
  { id: 'gpujs-webgl2', label: 'gpu.js WebGL2' },
  { id: 'reference', label: 'reference (plain TS)' },
];

/** Threads of the threaded wasm backend: the cores the browser reports, between 2 and 4. */
export const WASM_THREADS = Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2));

/** `null` when `choice` can run here, else why not. */
export function unavailable(choice: Choice): string | null {
  switch (choice) {
    case 'wasm-threads':
      if (typeof SharedArrayBuffer === 'undefined' || !crossOriginIsolated) {
        return 'wasm threads need SharedArrayBuffer, which browsers give only to cross-origin-isolated pages: serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (`pnpm playground` does)';
      }
      return null;
    case 'wasm-1':
      return typeof WebAssembly === 'undefined' ? 'this browser has no WebAssembly' : null;
    case 'gpujs-webgl2':
      return document.createElement('canvas').getContext('webgl2') === null
        ? 'this browser gives no WebGL2 context (WebGL2 disabled or no GPU support)'
        : null;
    case 'reference':
      return null;
  }
}

/** Creates the backend for `choice`; throws (with the backend's own reason) when it cannot start. */
export function createChoice(choice: Choice): Backend {
  switch (choice) {
    case 'wasm-threads':
      return createWasmBackend({ threads: WASM_THREADS });
    case 'wasm-1':
      return createWasmBackend({ threads: 1 });
    case 'gpujs-webgl2':
      return createGpujsBackend({ mode: 'webgl2' });
    case 'reference':
      return reference;
  }
}

/** What `pickBackend` settled on, and the reasons for every choice it skipped. */
export type Picked = { readonly choice: Choice; readonly backend: Backend; readonly skipped: readonly string[] };

const FALLBACK: readonly Choice[] = ['wasm-threads', 'wasm-1', 'reference'];

/** `wanted` if it runs here, else the first of wasm-threads, wasm-1, reference that does, with the reasons. */
export function pickBackend(wanted: Choice): Picked {
  const skipped: string[] = [];
  for (const choice of [wanted, ...FALLBACK.filter((c) => c !== wanted)]) {
    const why = unavailable(choice);
    if (why === null) {
      try {
        return { choice, backend: createChoice(choice), skipped };
      } catch (e) {
        skipped.push(`${choice}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
    }
    skipped.push(`${choice}: ${why}`);
  }
  throw new Error(`no backend runs here: ${skipped.join('; ')}`);
}
