/** @file The shared entry-point checks: reference and wasm refuse the same inputs with the same words. */
import { describe, expect, it } from 'vitest';
import type { Backend, Conv2dAttrs, KTensor, Shape } from './backend.js';
import { reference } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';

const wasm = createWasmBackend({ threads: 1 });
const conv: Conv2dAttrs = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
const pool = {
  kernel: [2, 2] as const,
  stride: [2, 2] as const,
  padding: [0, 0, 0, 0] as const,
  dilation: [1, 1] as const,
};

/** Each bad call, run on a backend; float32 inputs, so wasm runs its own entry point, not the reference's. */
const BAD: Record<string, (b: Backend<unknown>) => unknown> = {
  'binary dtypes': (b) => b.kernels.binary('add', f32(b, [2]), i32(b, [2])),
  'binary shapes': (b) => b.kernels.binary('add', f32(b, [2]), f32(b, [3])),
  'where shapes': (b) => b.kernels.where(f32(b, [2]), f32(b, [3]), f32(b, [3])),
  'matmul rank': (b) => b.kernels.matmul(f32(b, [2]), f32(b, [2, 2]), false, false),
  'matmul inner': (b) => b.kernels.matmul(f32(b, [2, 3]), f32(b, [2, 3]), false, false),
  'matmul batch': (b) => b.kernels.matmul(f32(b, [2, 2, 2]), f32(b, [3, 2, 2]), false, false),
  'conv dy': (b) => b.kernels.conv2dBackpropInput(f32(b, [1, 1, 2, 2]), f32(b, [1, 1, 2, 2]), [1, 1, 4, 4], conv),
  'conv groups': (b) => b.kernels.conv2d(f32(b, [1, 2, 4, 4]), f32(b, [1, 1, 2, 2]), conv),
  'pool rank': (b) => b.kernels.maxPool2d(f32(b, [4, 4]), pool),
  'pool window': (b) => b.kernels.avgPool2d(f32(b, [1, 1, 1, 1]), { ...pool, countIncludePad: false }),
  'pool dy': (b) =>
    b.kernels.avgPool2dBackward(f32(b, [1, 1, 1, 1]), [1, 1, 4, 4], { ...pool, countIncludePad: false }),
  'reduce axes': (b) => b.kernels.reduce('sum', f32(b, [2, 2]), [1, 0]),
  'softmax axis': (b) => b.kernels.softmax(f32(b, [2, 2]), 2),
  'batchNorm param': (b) => b.kernels.batchNorm(f32(b, [2, 3]), f32(b, [2]), f32(b, [3]), 1e-5),
  'batchNorm dy': (b) =>
    b.kernels.batchNormBackward(f32(b, [3]), f32(b, [2, 3]), f32(b, [3]), f32(b, [3]), f32(b, [3]), 0),
  'take idx': (b) => b.kernels.takeAlongAxis(f32(b, [2, 3]), i32(b, [3, 3]), 1),
  broadcastTo: (b) => b.kernels.broadcastTo(f32(b, [2]), [3]),
};

/** Zeros of `shape`, float32 or int32, uploaded to `b`. */
function f32(b: Backend<unknown>, shape: Shape): KTensor<unknown> {
  return b.upload(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape);
}
function i32(b: Backend<unknown>, shape: Shape): KTensor<unknown> {
  return b.upload(new Int32Array(shape.reduce((p, d) => p * d, 1)), shape);
}

/** The error message of `f`, with the backend's prefix removed. */
function message(f: () => unknown, prefix: string): string {
  try {
    f();
  } catch (e) {
    const m = (e as Error).message;
    expect(m.startsWith(prefix)).toBe(true);
    return m.slice(prefix.length);
  }
  throw new Error('expected a throw');
}

describe('shared validation', () => {
  for (const [name, run] of Object.entries(BAD)) {
    it(`${name}: the same words on reference and wasm`, () => {
      const r = message(() => run(reference), 'reference.');
      const w = message(() => run(wasm), 'wasm.');
      expect(w).toBe(r);
    });
  }
});
