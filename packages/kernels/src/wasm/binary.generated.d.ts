/**
 * @file Types of `binary.generated.js`, which `scripts/build-wasm.mjs` writes (it is gitignored; run the
 * package's `build` first). Both are base64 WebAssembly binaries of the kernels in `asm/`.
 */

/** The module importing a shared memory (`env.memory`, shared: true): for the thread pool. */
export declare const WASM_SHARED: string;
/** The same module importing an ordinary memory: one thread, where SharedArrayBuffer is unavailable. */
export declare const WASM_SINGLE: string;
