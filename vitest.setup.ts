/**
 * @file Runs before every test file. Node 20's V8 validates WebAssembly relaxed SIMD only behind this flag
 * (Node ≥ 22 and current browsers have it on, and ignore the flag), so on Node 20 the wasm backend's
 * fused-multiply-add build would otherwise never be tested. Flags set here apply before any module is
 * compiled in the test process and in the worker threads it starts.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');
