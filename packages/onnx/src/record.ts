/**
 * @file Records a layer's inference forward pass as a program of primitive ops: two traces at two batch
 * sizes, checked to agree op for op, so that the dims that depend on the batch can be told apart from
 * those that do not (the ONNX graph gets a symbolic batch dim from them). The parameters and state are
 * traced too, so that ops on them (a reshaped bias, a folded batch-norm scale) stay ops on named
 * initializers instead of anonymous folded constants.
 */
import {
  type DType,
  fmt,
  isTensor,
  key,
  random,
  type Shape,
  type Tensor,
  type TracedOp,
  traceOps,
  treePaths,
} from '@tapenet/autodiff';
import type { AnyLayer } from '@tapenet/layers';
import { OnnxExportError } from './errors.js';

/**
 * The batch sizes of the two traces. Neither is 1, so that no op is skipped in one trace only because a
 * batch dim of size 1 made it a no-op (tapenet skips `broadcastTo` of a shape onto itself, for one).
 */
export const TRACE_BATCHES = [2, 3] as const;

/** A parameter or state tensor with its dotted path (`layer1.0.bn1.running_mean`). */
export type Leaf = { readonly path: string; readonly tensor: Tensor; readonly kind: 'params' | 'state' };

/** The program of one export: trace A's ops, trace B's counterparts, and how values pair up. */
export type Program = {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly leaves: readonly Leaf[];
  /** Trace A's ops (batch `TRACE_BATCHES[0]`). */
  readonly ops: readonly TracedOp[];
  /** Trace B's ops (batch `TRACE_BATCHES[1]`), `others[i]` the counterpart of `ops[i]`. */
  readonly others: readonly TracedOp[];
  /** The layer path that owns each op (the innermost child whose output the tap reported next). */
  readonly paths: readonly string[];
  /** Trace B's counterpart of each of trace A's tensors (input, op outputs, constants; leaves map to themselves). */
  readonly pair: ReadonlyMap<Tensor, Tensor>;
  /** Whether each op's output is needed for `y`. */
  readonly live: readonly boolean[];
};

/** The dims where two shapes of the same rank differ. */
export const differing = (a: Shape, b: Shape): number[] => a.flatMap((d, i) => (d === b[i] ? [] : [i]));

/** The root of the path naming, for ops outside every child (or a model with no children). */
export const ROOT = '(model)';

type Run = {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly ops: readonly TracedOp[];
  readonly events: readonly { readonly at: number; readonly path: string }[];
};

function run(model: AnyLayer, params: unknown, state: unknown, leaves: readonly Leaf[], x: Tensor): Run {
  const events: { at: number; path: string }[] = [];
  let out: unknown;
  let ops: readonly TracedOp[];
  try {
    ({ result: out, ops } = traceOps([x, ...leaves.map((l) => l.tensor)], (sofar) => {
      const tap = (path: string): void => {
        events.push({ at: sofar.length, path });
      };
      return model.apply(params, state, x, { train: false, tap }).y;
    }));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new OnnxExportError(`model.apply failed on an input ${fmt(x.shape)} ${x.dtype} in eval mode: ${why}`, {
      cause: e,
    });
  }
  if (!isTensor(out)) {
    const what = Array.isArray(out) ? `a list of ${out.length} tensors` : typeof out;
    throw new OnnxExportError(`the model's output is ${what}; exportOnnx exports a model with one tensor output`);
  }
  return { x, y: out, ops, events };
}

/** Path of the layer owning op `i`: the first tap event after it. */
function ownerPaths(r: Run): string[] {
  let e = 0;
  return r.ops.map((_, i) => {
    while (e < r.events.length && r.events[e]!.at <= i) e++;
    return r.events[e]?.path ?? ROOT;
  });
}

/** Identities of the traced values of one run: `input`, `leaf:<path>`, `op:<i>`, `res:<i>:<k>`. */
function refs(r: Run, leaves: readonly Leaf[]): Map<Tensor, string> {
  const m = new Map<Tensor, string>([[r.x, 'input']]);
  for (const l of leaves) m.set(l.tensor, `leaf:${l.kind}:${l.path}`);
  r.ops.forEach((o, i) => {
    m.set(o.out, `op:${i}`);
    o.residuals.forEach((t, k) => {
      m.set(t, `res:${i}:${k}`);
    });
  });
  return m;
}

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function sameValues(a: Tensor, b: Tensor): boolean {
  const da = a.data();
  const db = b.data();
  for (let i = 0; i < da.length; i++) if (!Object.is(da[i], db[i])) return false;
  return true;
}

/** Attributes that are shapes and may hold batch-dependent dims; every other attribute must be equal. */
const SHAPE_ATTRS: Partial<Record<string, readonly string[]>> = {
  reshape: ['shape'],
  broadcastTo: ['shape'],
  slice: ['size'],
  conv2dBackpropInput: ['xShape'],
};

function sameAttrs(op: TracedOp, other: TracedOp): boolean {
  const shaped = SHAPE_ATTRS[op.op] ?? [];
  const a = op.attrs as Record<string, unknown>;
  const b = other.attrs as Record<string, unknown>;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) =>
      shaped.includes(k)
        ? (a[k] as Shape).length === (b[k] as Shape).length
        : JSON.stringify(a[k]) === JSON.stringify(b[k]),
    )
  );
}

/**
 * Traces `model.apply(params, state, x, { train: false })` at the two batch sizes of `TRACE_BATCHES` and
 * checks the traces agree: the same ops in the same order on the same values, equal attributes except
 * for dims of shapes (reshape, broadcastTo, slice sizes), and constants of equal shapes and values. A
 * disagreement means the program depends on the batch size (or on the input's values) in a way ONNX's
 * one graph cannot express, and throws, naming the layer.
 */
export function record(
  model: AnyLayer,
  params: unknown,
  state: unknown,
  inShape: Shape,
  dtype: DType & ('float32' | 'float64'),
): Program {
  const leaves: Leaf[] = [
    ...treePaths(params).map(([path, t]) => ({ path, tensor: t as Tensor, kind: 'params' as const })),
    ...treePaths(state).map(([path, t]) => ({ path, tensor: t as Tensor, kind: 'state' as const })),
  ];
  const [bA, bB] = TRACE_BATCHES;
  const a = run(model, params, state, leaves, random.normal(key(bA), [bA, ...inShape], 0, 1, { dtype }));
  const b = run(model, params, state, leaves, random.normal(key(bB), [bB, ...inShape], 0, 1, { dtype }));
  const paths = ownerPaths(a);
  const refA = refs(a, leaves);
  const refB = refs(b, leaves);
  const pair = new Map<Tensor, Tensor>([[a.x, b.x]]);
  for (const l of leaves) pair.set(l.tensor, l.tensor);
  const fail = (i: number, detail: string): never => {
    const op = a.ops[i]?.op ?? b.ops[i]?.op;
    throw new OnnxExportError(
      `${paths[i] ?? ROOT} (op '${op}'): ${detail}; ONNX needs one graph for every batch size (traced at batch sizes ${bA} and ${bB})`,
    );
  };
  if (a.ops.length !== b.ops.length) {
    const i = a.ops.findIndex((o, k) => o.op !== b.ops[k]?.op);
    fail(
      i < 0 ? a.ops.length : i,
      `the forward pass runs ${a.ops.length} ops at batch ${bA} but ${b.ops.length} at batch ${bB}`,
    );
  }
  a.ops.forEach((oa, i) => {
    const ob = b.ops[i]!;
    if (oa.op !== ob.op) fail(i, `op ${i} is '${oa.op}' at batch ${bA} but '${ob.op}' at batch ${bB}`);
    if (oa.inputs.length !== ob.inputs.length) fail(i, 'the number of inputs depends on the batch size');
    oa.inputs.forEach((ta, j) => {
      const tb = ob.inputs[j]!;
      const ra = refA.get(ta);
      const rb = refB.get(tb);
      if (ra !== undefined || rb !== undefined) {
        if (ra !== rb)
          fail(
            i,
            `input ${j} is a different value at batch ${bA} (${ra ?? 'a constant'}) than at ${bB} (${rb ?? 'a constant'})`,
          );
        return;
      }
      if (ta !== tb) {
        if (ta.dtype !== tb.dtype || !sameShape(ta.shape, tb.shape)) {
          fail(
            i,
            `input ${j} is a constant ${ta.dtype} ${fmt(ta.shape)} at batch ${bA} but ${tb.dtype} ${fmt(tb.shape)} at batch ${bB} (a tensor made with the batch size, not computed from the input)`,
          );
        }
        if (!sameValues(ta, tb)) {
          fail(
            i,
            `input ${j} is a constant ${fmt(ta.shape)} whose values differ between the two traces (computed from the input outside tapenet's ops, e.g. from x.data()?)`,
          );
        }
      }
      pair.set(ta, tb);
    });
    if (!sameAttrs(oa, ob)) {
      fail(i, `attributes ${JSON.stringify(oa.attrs)} at batch ${bA} but ${JSON.stringify(ob.attrs)} at batch ${bB}`);
    }
    pair.set(oa.out, ob.out);
  });
  const yRef = refA.get(a.y);
  if (yRef === undefined || yRef !== refB.get(b.y) || !(yRef === 'input' || yRef.startsWith('op:'))) {
    throw new OnnxExportError("the model's output does not depend on its input (it is a constant or a parameter)");
  }
  // Liveness: the ops whose outputs the output depends on (the rest is pruned, refused ops included).
  const producer = new Map<Tensor, number>(a.ops.map((o, i) => [o.out, i]));
  const live = a.ops.map(() => false);
  const stack = yRef === 'input' ? [] : [producer.get(a.y)!];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (live[i]) continue;
    live[i] = true;
    for (const t of a.ops[i]!.inputs) {
      const p = producer.get(t);
      if (p !== undefined && !live[p]) stack.push(p);
    }
  }
  return { x: a.x, y: a.y, leaves, ops: a.ops, others: b.ops, paths, pair, live };
}
