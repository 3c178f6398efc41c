/**
 * @file What an op is (forward + VJP in one value) and how a call runs it and records it on the tape
 * (and on any active trace).
 */
import type { Backend, Kernels, KTensor } from '@tapenet/kernels';
import { getBackend, getDebugNans } from '../context.js';
import { NonFiniteError } from '../errors.js';
import { checkLive, created } from '../lifetime.js';
import { recordOnTapes } from '../tape.js';
import { fromKernel, fromNewBuffer, type Tensor } from '../tensor.js';
import { isTracing, recordOnTraces } from '../trace.js';
import type { OpAttrs, OpName } from './attrs.js';

/**
 * What a VJP rule sees: the op's inputs and output, its attributes, which inputs need a cotangent, and the
 * residuals its forward kept for it (empty unless the forward returned some).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export interface VjpContext<K extends OpName> {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly attrs: OpAttrs[K];
  readonly needs: readonly boolean[];
  readonly residuals: readonly Tensor[];
}

/**
 * A forward that also keeps residuals: tensors the kernel computed anyway that the VJP needs and the
 * output does not show (JAX's custom_vjp residuals), e.g. max pooling's argmax. They carry no gradient.
 */
export interface WithResiduals {
  readonly out: KTensor;
  readonly residuals: readonly KTensor[];
}

/**
 * A primitive: `forward` runs backend kernels; `vjp` maps the output cotangent to one cotangent per
 * input (null where there is none), written with differentiable ops so gradients of gradients work.
 * Ops with `differentiable: false` (comparisons, argmax, rounding) are never recorded on a tape.
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export interface OpDef<K extends OpName> {
  readonly name: K;
  readonly differentiable: boolean;
  forward(k: Kernels<unknown>, inputs: readonly KTensor[], attrs: OpAttrs[K]): KTensor | WithResiduals;
  vjp(g: Tensor, ctx: VjpContext<K>): readonly (Tensor | null)[];
}

/** Builds an op definition (the type parameter ties attrs to the name). */
export const defineOp = <K extends OpName>(def: OpDef<K>): OpDef<K> => def;

/** An op with no gradient (comparisons, argmax, rounding). */
export const nonDifferentiable = <K extends OpName>(name: K, forward: OpDef<K>['forward']): OpDef<K> => ({
  name,
  differentiable: false,
  forward,
  vjp: (_g, { inputs }) => inputs.map(() => null),
});

function checkFinite(name: string, out: Tensor): void {
  if (out.dtype === 'int32') return;
  const data = out.data();
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteError(name, `${v} at flat index ${i} of a ${out.toString()}`);
  }
}

/**
 * Runs a primitive on the active backend and records it on every active tape that tracks one of its
 * inputs (and on every active trace that traces one). Inputs living on another backend are copied over first.
 */
export function call<K extends OpName>(def: OpDef<K>, inputs: readonly Tensor[], attrs: OpAttrs[K]): Tensor {
  return callKeeping(def, inputs, attrs).out;
}

/**
 * `call`, also returning the residuals the forward kept (batch norm's batch statistics). To every tape
 * they are constants: no gradient flows through them.
 */
export function callKeeping<K extends OpName>(
  def: OpDef<K>,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
): { readonly out: Tensor; readonly residuals: readonly Tensor[] } {
  const backend = getBackend();
  const kts = onBackend(backend, inputs);
  checkLive(def.name, kts);
  const result = def.forward(backend.kernels, kts, attrs);
  const [kt, kept] = 'residuals' in result ? [result.out, result.residuals] : [result, []];
  const out = fromNew(kt, backend, kts);
  if (getDebugNans()) checkFinite(def.name, out);
  const residuals = kept.map((r) => fromNew(r, backend, kts));
  if (def.differentiable) {
    recordOnTapes(def.name, inputs, out, (g, needs) => def.vjp(g, { inputs, out, attrs, needs, residuals }));
  }
  if (isTracing()) recordOnTraces(def.name, inputs, out, attrs, residuals);
  return { out, residuals };
}

/**
 * Runs kernels on the active backend without recording anything and wraps what they return: for a VJP
 * rule's fused path, taken only when no tape is recording (so no result can need a gradient).
 */
export function runUnrecorded(
  inputs: readonly Tensor[],
  f: (k: Kernels<unknown>, kts: readonly KTensor[]) => readonly KTensor[],
): Tensor[] {
  const backend = getBackend();
  const kts = onBackend(backend, inputs);
  checkLive('runUnrecorded', kts);
  return f(backend.kernels, kts).map((kt) => fromNew(kt, backend, kts));
}

/**
 * Wraps a kernel's output as a tensor, recording its buffer in the open scope when it is new (not one of
 * the inputs' buffers, which reshape's forward passes through).
 */
function fromNew(kt: KTensor, backend: Backend, inputs: readonly KTensor[]): Tensor {
  return inputs.some((i) => i.data === kt.data) ? fromKernel(kt, backend) : fromNewBuffer(kt, backend);
}

/** The tensors' kernel buffers on `backend`, copying over those that live on another backend. */
function onBackend(backend: Backend, inputs: readonly Tensor[]): KTensor[] {
  return inputs.map((t) => {
    if (t.backend === backend) return t.kt;
    const copy = backend.upload(t.data(), t.shape);
    created(copy, backend);
    return copy;
  });
}
