/**
 * @file The gradient suite on the wasm backend with one thread and with two. It runs in float64, which wasm
 * computes with the reference's loops over its own memory: this proves those paths (views in, results
 * into wasm blocks, scopes and releases) give the reference's gradients on every thread count.
 */
import { createWasmBackend, type WasmBackend } from '@tapenet/kernels';
import { describeGradients } from './gradient-suite.js';

for (const threads of [1, 2]) {
  describeGradients(`gradients on wasm, ${threads} thread${threads === 1 ? '' : 's'}`, {
    make: () => createWasmBackend({ threads, minParallelNs: 0 }),
    teardown: (b) => (b as WasmBackend).destroy(),
  });
}
