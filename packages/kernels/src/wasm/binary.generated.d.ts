/**
 * @file Types of `binary.generated.js`, which `scripts/build-wasm.mjs` writes (it is gitignored; run the
 * package's `build` first). All are base64 WebAssembly binaries of the kernels in `asm/`.
 */

/** The module importing a shared memory (`env.memory`, shared: true): for the thread pool. */
export declare const WASM_SHARED: string;
/** The same module importing an ordinary memory: one thread, where SharedArrayBuffer is unavailable. */
export declare const WASM_SINGLE: string;
/** `WASM_SHARED` built with relaxed SIMD: the GEMM micro-kernel uses fused multiply-add. */
export declare const WASM_SHARED_FMA: string;
/** `WASM_SINGLE` built with relaxed SIMD. */
export declare const WASM_SINGLE_FMA: string;
