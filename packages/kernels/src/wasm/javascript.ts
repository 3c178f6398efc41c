/**
 * @file The reference backend's kernels run on tensors that live in wasm memory: every tensor argument
 * is passed as a view of its wasm memory (no copy) and every tensor the kernel returns is moved into a
 * new wasm buffer (one copy, counted in the backend's copy stats). This is how float64 and int32 tensors,
 * and the data-movement kernels without a wasm version, run on the wasm backend: exactly the reference's
 * results, at the reference's speed.
 */
import type { Kernels, KTensor } from '../backend.js';
import { reference } from '../reference/index.js';
import type { RTensor } from '../reference/tensor.js';
import { adopt, asReference, type Ctx } from './context.js';
import { WasmBuffer } from './runtime.js';

const isWasmTensor = (v: unknown): v is KTensor<WasmBuffer> =>
  typeof v === 'object' && v !== null && (v as KTensor).data instanceof WasmBuffer;

const isReferenceTensor = (v: unknown): v is RTensor =>
  typeof v === 'object' && v !== null && ArrayBuffer.isView((v as KTensor).data) && 'shape' in v;

/** The reference kernels over wasm-resident tensors. */
export function javascriptKernels(ctx: Pick<Ctx, 'rt'>): Kernels<WasmBuffer> {
  const toReference = (name: string, arg: unknown): unknown => {
    if (isWasmTensor(arg)) return asReference(ctx, arg, name);
    if (Array.isArray(arg) && arg.some(isWasmTensor)) return arg.map((a) => toReference(name, a));
    return arg;
  };
  // A kernel returns a tensor, or (maxPool2d, batchNorm, batchNormBackward) an object of tensors.
  const toWasm = (result: unknown): unknown => {
    if (isReferenceTensor(result)) return adopt(ctx, result);
    return Object.fromEntries(Object.entries(result as object).map(([k, v]) => [k, adopt(ctx, v as RTensor)]));
  };
  const wrapped = Object.entries(reference.kernels).map(([name, kernel]) => [
    name,
    (...args: unknown[]) => toWasm((kernel as (...a: unknown[]) => unknown)(...args.map((a) => toReference(name, a)))),
  ]);
  return Object.fromEntries(wrapped) as unknown as Kernels<WasmBuffer>;
}
