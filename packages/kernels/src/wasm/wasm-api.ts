/**
 * @file The few WebAssembly JS API members this backend uses, typed here: the workspace compiles against
 * ES2023 + Node types, which do not declare the `WebAssembly` namespace, and a global declaration would
 * leak into packages that also load the DOM library.
 */

/** A compiled module (opaque; structured-cloneable to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A linear memory; `buffer` is a SharedArrayBuffer when created with `shared: true`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => WasmInstance;
  Memory: new (desc: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}

/** The platform's `WebAssembly` object; throws where there is none. */
export function wasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw new Error('wasm backend: this JavaScript engine has no WebAssembly');
  return api;
}
