/** @file Choosing the compute backend for a command (`--backend`, `--threads`) and releasing it afterwards. */
import { getBackend, setBackend } from '@tapenet/autodiff';
import { createGpujsBackend } from '@tapenet/backend-gpujs';
import { createWasmBackend, type WasmBackend } from '@tapenet/kernels';
import { UsageError } from './command.js';

/** The backends `--backend` accepts. */
export const BACKENDS = ['wasm', 'reference', 'gpujs'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/**
 * Makes `name` the active backend (`threads` for wasm: default all cores) and returns a function that
 * stops its worker threads, so that the process can exit.
 */
export function useBackend(name: BackendChoice, threads: number | undefined): { mode: string; release: () => void } {
  if (name === 'wasm') {
    let wasm: WasmBackend;
    try {
      wasm = createWasmBackend(threads === undefined ? {} : { threads });
    } catch (e) {
      throw new UsageError(`--threads: ${(e as Error).message}`);
    }
    setBackend(wasm);
    return { mode: `wasm (${wasm.mode})`, release: () => wasm.destroy() };
  }
  if (name === 'gpujs') {
    // Its own package (gpu.js needs the native `gl` for headlessgl); mode 'gpu' = the best one here.
    const gpujs = createGpujsBackend({ mode: 'gpu' });
    setBackend(gpujs);
    return { mode: `gpujs (${gpujs.mode})`, release: () => gpujs.destroy() };
  }
  setBackend(name);
  return { mode: `${name} (${getBackend().mode})`, release: () => undefined };
}
