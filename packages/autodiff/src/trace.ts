/**
 * @file Tracing: records the primitive ops a function runs on given inputs, with their attributes, as a
 * flat list (JAX's `make_jaxpr`, the tracer of `torch.onnx.export`). Like the tape it is a stack of
 * levels: an op is recorded on a level when one of its inputs is traced there, and its output (and any
 * residual its forward kept) becomes traced there too. Every other tensor an op reads is a constant of
 * that trace. Unlike the tape it records every primitive, differentiable or not, and keeps no VJPs.
 */
import type { OpAttrs, OpName } from './ops/attrs.js';
import type { Tensor } from './tensor.js';

/** One recorded primitive call: its name, its inputs (traced or constant), its output and attributes. */
export type TracedOp<K extends OpName = OpName> = {
  [Op in K]: {
    readonly op: Op;
    readonly inputs: readonly Tensor[];
    readonly out: Tensor;
    readonly attrs: OpAttrs[Op];
    /** Tensors the forward kept for its VJP (max pooling's indices, batch norm's statistics); usually empty. */
    readonly residuals: readonly Tensor[];
  };
}[K];

class Trace {
  readonly traced = new Set<Tensor>();
  readonly ops: TracedOp[] = [];
}

const stack: Trace[] = [];

/** Records a primitive call on every active trace that traces one of its inputs. */
export function recordOnTraces<K extends OpName>(
  op: K,
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: OpAttrs[K],
  residuals: readonly Tensor[] = [],
): void {
  for (const trace of stack) {
    if (inputs.some((x) => trace.traced.has(x))) {
      trace.ops.push({ op, inputs, out, attrs, residuals } as TracedOp);
      trace.traced.add(out);
      for (const r of residuals) trace.traced.add(r);
    }
  }
}

/** Whether any trace is active (lets callers skip building a record nobody reads). */
export const isTracing = (): boolean => stack.length > 0;

/**
 * Runs `fn` and returns its result with every primitive op it ran that depends on `inputs`, in the order
 * they ran: each with its op name, input tensors, output tensor and attributes (`OpAttrs[op]`). An input
 * of a recorded op that is neither one of `inputs` nor the output of an earlier recorded op is a
 * constant (a parameter, a literal lifted to a tensor); ops reading only constants are not recorded.
 * `fn` gets the list recorded so far (a live view that grows as ops run), e.g. to note where in the op
 * stream a callback fired. Traces nest, and combine with `grad`: ops of a nested `grad` (its identity
 * aliases, its backward pass) are recorded too when they depend on `inputs`. Values computed outside
 * the ops (e.g. from `x.data()`) are invisible to the trace and appear as constants.
 * @example
 * const { result, ops } = traceOps([x], () => relu(matmul(x, w)));
 * ops.map((o) => o.op) // ['matmul', 'relu']; w is a constant
 */
export function traceOps<T>(
  inputs: readonly Tensor[],
  fn: (ops: readonly TracedOp[]) => T,
): { readonly result: T; readonly ops: readonly TracedOp[] } {
  const trace = new Trace();
  for (const x of inputs) trace.traced.add(x);
  stack.push(trace);
  try {
    return { result: fn(trace.ops), ops: trace.ops };
  } finally {
    stack.pop();
  }
}
