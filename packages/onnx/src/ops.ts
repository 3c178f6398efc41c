/**
 * @file How each autodiff primitive becomes ONNX nodes (opset 13–17 semantics). Every `OpName` has an
 * entry (the mapped type makes a missing one a compile error): an emitter, or the reason it is refused.
 * Each mapping reproduces tapenet's semantics, not just the op's name; comments say where that takes
 * more than one node.
 */
import type { DType, OpName, Shape, Tensor, TracedOp } from '@tapenet/autodiff';
import type { AttrValue } from './proto.js';
import { DataType } from './proto.js';

/** What an emitter sees of the op it maps and of the graph it adds to. */
export interface Emit<K extends OpName> {
  /** The batch sizes of trace A and trace B. */
  readonly batches: readonly [number, number];
  /** The op in trace A and its counterpart in trace B. */
  readonly op: TracedOp<K>;
  readonly other: TracedOp<K>;
  /** ONNX names of the op's inputs, in order. */
  readonly in: readonly string[];
  /** The ONNX name the op's output must get. */
  readonly out: string;
  /** A tensor's shape in trace A and in trace B (they differ in batch-dependent dims). */
  shapes(t: Tensor): readonly [Shape, Shape];
  /** Adds a node writing `output` (default: a fresh name); returns the output's name. */
  node(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>, output?: string): string;
  /** A rank-1 (or, with `scalar`, rank-0) int64 constant. */
  ints(values: readonly number[], scalar?: boolean): string;
  /** A scalar constant in a tapenet dtype's ONNX type. */
  scalar(value: number, dtype: DType): string;
  /** The output is the same value as `name` (no node, unless the output is the graph's). */
  alias(name: string): void;
  /** An int64 `[d]` holding `multiple·N`, N the graph's batch size. */
  batchDim(multiple: number): string;
  /** The BOOL form of a value, reusing a comparison's own bool output when there is one. */
  bool(name: string): string;
  /** Notes that `name` (this op's output) was made by casting the bool `b`. */
  knownBool(name: string, b: string): void;
  /** Throws an error naming the layer path and the op. */
  fail(detail: string): never;
}

type Emitter<K extends OpName> = (e: Emit<K>) => void;

/** ONNX element type codes of tapenet dtypes (every float is FLOAT). */
const typeOf = (dtype: DType): number => (dtype === 'int32' ? DataType.INT32 : DataType.FLOAT);

const simple =
  <K extends OpName>(opType: string): Emitter<K> =>
  (e) => {
    e.node(opType, e.in, {}, e.out);
  };

// Comparisons give a BOOL in ONNX but 1/0 in the inputs' dtype in tapenet: compare, then cast.
const compare =
  <K extends OpName>(opType: string, negate = false): Emitter<K> =>
  (e) => {
    const c = e.node(opType, e.in);
    const b = negate ? e.node('Not', [c]) : c;
    e.node('Cast', [b], { to: { int: typeOf(e.op.out.dtype) } }, e.out);
    e.knownBool(e.out, b);
  };

const reduce =
  <K extends 'max' | 'min'>(opType: string): Emitter<K> =>
  (e) => {
    // opset ≤ 17 ReduceMax/ReduceMin take axes as an attribute (an input from opset 18 on)
    e.node(opType, e.in, { axes: [...e.op.attrs.axes], keepdims: { int: 0 } }, e.out);
  };

const argReduce =
  <K extends 'argmax' | 'argmin'>(opType: string): Emitter<K> =>
  (e) => {
    // Both pick the first extreme (select_last_index 0); ONNX gives int64, tapenet int32.
    const i = e.node(opType, e.in, {
      axis: { int: e.op.attrs.axis },
      keepdims: { int: 0 },
      select_last_index: { int: 0 },
    });
    e.node('Cast', [i], { to: { int: DataType.INT32 } }, e.out);
  };

/**
 * A target shape whose batch-dependent dims (those differing between the traces) are each a multiple
 * of the batch size: built at run time as a Concat of constants and `multiple·N`. `keep(i)` may map a
 * batch-dependent dim to a constant instead (-1 for Reshape, 1 for Expand when the input has that dim).
 */
function targetShape<K extends OpName>(
  e: Emit<K>,
  a: Shape,
  b: Shape,
  what: string,
  keep: (i: number) => number | undefined,
): string {
  const [bA, bB] = e.batches;
  const parts: string[] = [];
  let run: number[] = [];
  a.forEach((da, i) => {
    const db = b[i]!;
    const k = da === db ? da : keep(i);
    if (k !== undefined) {
      run.push(k);
      return;
    }
    if (da % bA !== 0 || da * bB !== db * bA) {
      e.fail(
        `${what} dim ${i} is ${da} at batch ${bA} and ${db} at batch ${bB}, not a fixed multiple of the batch size`,
      );
    }
    if (run.length > 0) parts.push(e.ints(run));
    run = [];
    parts.push(e.batchDim(da / bA));
  });
  if (run.length > 0) parts.push(e.ints(run));
  return parts.length === 1 ? parts[0]! : e.node('Concat', parts, { axis: { int: 0 } });
}

/** The permutation that swaps the last two of `rank` axes. */
const swapLast = (rank: number): number[] =>
  Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : 2 * rank - 3 - i));

/** `[top, bottom, left, right]` (tapenet) → `[top, left, bottom, right]` (ONNX: all begins, then all ends). */
const onnxPads = (p: readonly [number, number, number, number]): number[] => [p[0], p[2], p[1], p[3]];

/** An emitter for every op, or the reason the op is refused. */
export const MAPPING: { readonly [K in OpName]: Emitter<K> | string } = {
  neg: simple('Neg'),
  abs: simple('Abs'),
  sign: simple('Sign'),
  exp: simple('Exp'),
  // ONNX has no expm1/log1p: exp(x) − 1 and log(1 + x) lose tapenet's accuracy near 0 in relative terms,
  // but agree to float32 rounding in absolute terms (|error| ≲ 1e-7).
  expm1: (e) => {
    e.node('Sub', [e.node('Exp', e.in), e.scalar(1, e.op.out.dtype)], {}, e.out);
  },
  log: simple('Log'),
  log1p: (e) => {
    e.node('Log', [e.node('Add', [e.in[0]!, e.scalar(1, e.op.out.dtype)])], {}, e.out);
  },
  sqrt: simple('Sqrt'),
  rsqrt: (e) => {
    e.node('Reciprocal', [e.node('Sqrt', e.in)], {}, e.out);
  },
  square: (e) => {
    e.node('Mul', [e.in[0]!, e.in[0]!], {}, e.out);
  },
  reciprocal: simple('Reciprocal'),
  sin: simple('Sin'),
  cos: simple('Cos'),
  tanh: simple('Tanh'),
  sigmoid: simple('Sigmoid'),
  relu: simple('Relu'),
  erf: simple('Erf'),
  // ONNX has no Erfc: 1 − Erf(x) agrees to float32 rounding in absolute terms (|error| ≲ 1e-7) but not in
  // relative terms in the tail, where tapenet's erfc keeps its digits.
  erfc: (e) => {
    e.node('Sub', [e.scalar(1, e.op.out.dtype), e.node('Erf', e.in)], {}, e.out);
  },
  floor: simple('Floor'),
  ceil: simple('Ceil'),
  round: simple('Round'), // both round half to even
  add: simple('Add'),
  sub: simple('Sub'),
  mul: simple('Mul'),
  div: simple('Div'),
  pow: simple('Pow'),
  maximum: simple('Max'),
  minimum: simple('Min'),
  equal: compare('Equal'),
  notEqual: compare('Equal', true),
  less: compare('Less'),
  lessEqual: compare('LessOrEqual'),
  greater: compare('Greater'),
  greaterEqual: compare('GreaterOrEqual'),
  // tapenet's condition is any tensor (true where ≠ 0); ONNX's is BOOL
  where: (e) => {
    e.node('Where', [e.bool(e.in[0]!), e.in[1]!, e.in[2]!], {}, e.out);
  },
  // float → int32 truncates toward zero in both; float64 ↔ float32 is nothing in a float32 graph
  cast: (e) => {
    const from = typeOf(e.op.inputs[0]!.dtype);
    const to = typeOf(e.op.attrs.dtype);
    if (from === to) e.alias(e.in[0]!);
    else e.node('Cast', e.in, { to: { int: to } }, e.out);
  },
  identity: (e) => e.alias(e.in[0]!),
  // tapenet's reductions drop the reduced axes (keepDims is a reshape after them): keepdims 0
  sum: (e) => {
    e.node('ReduceSum', [e.in[0]!, e.ints(e.op.attrs.axes)], { keepdims: { int: 0 } }, e.out);
  },
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  argmax: argReduce('ArgMax'),
  argmin: argReduce('ArgMin'),
  reshape: (e) => {
    const a = e.op.attrs.shape;
    const b = e.other.attrs.shape;
    // One batch-dependent dim becomes -1 (inferred); several are computed from N.
    const single = a.filter((d, i) => d !== b[i]).length === 1;
    const shape = targetShape(e, a, b, 'reshape target', () => (single ? -1 : undefined));
    // allowzero: a 0 in the shape means an empty axis in tapenet, "copy the input's dim" in ONNX by default
    const zero = a.includes(0) && !single;
    e.node('Reshape', [e.in[0]!, shape], zero ? { allowzero: { int: 1 } } : {}, e.out);
  },
  transpose: (e) => {
    e.node('Transpose', e.in, { perm: [...e.op.attrs.perm] }, e.out);
  },
  // Expand broadcasts both ways, so a target dim the input already has (batch dims included) can be 1.
  broadcastTo: (e) => {
    const [xa, xb] = e.shapes(e.op.inputs[0]!);
    const a = e.op.attrs.shape;
    const lead = a.length - xa.length;
    const has = (i: number): boolean => i >= lead && xa[i - lead] === a[i] && xb[i - lead] === e.other.attrs.shape[i];
    const shape = targetShape(e, a, e.other.attrs.shape, 'broadcast target', (i) => (has(i) ? 1 : undefined));
    e.node('Expand', [e.in[0]!, shape], {}, e.out);
  },
  slice: (e) => {
    const { begin, size } = e.op.attrs;
    const [xa, xb] = e.shapes(e.op.inputs[0]!);
    const axes: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    begin.forEach((b, i) => {
      const sb = e.other.attrs.size[i]!;
      if (b !== e.other.attrs.begin[i]) e.fail(`the slice's begin on axis ${i} depends on the batch size`);
      if (b === 0 && size[i] === xa[i] && sb === xb[i]) return; // the whole axis
      axes.push(i);
      starts.push(b);
      // a batch-dependent extent is only expressible as "to the end" (INT64_MAX, clamped by Slice)
      if (size[i] !== sb && !(b + size[i]! === xa[i] && b + sb === xb[i])) {
        e.fail(`the slice's extent on axis ${i} depends on the batch size and does not run to the end`);
      }
      ends.push(size[i] === sb ? b + size[i]! : Number.MAX_SAFE_INTEGER);
    });
    if (axes.length === 0) e.alias(e.in[0]!);
    else e.node('Slice', [e.in[0]!, e.ints(starts), e.ints(ends), e.ints(axes)], {}, e.out);
  },
  concat: (e) => {
    e.node('Concat', e.in, { axis: { int: e.op.attrs.axis } }, e.out);
  },
  pad: (e) => {
    const { pads, mode, value } = e.op.attrs;
    const p = e.ints([...pads.map(([b]) => b), ...pads.map(([, a]) => a)]);
    if (mode === 'edge') e.node('Pad', [e.in[0]!, p], { mode: 'edge' }, e.out);
    else e.node('Pad', [e.in[0]!, p, e.scalar(value, e.op.out.dtype)], { mode: 'constant' }, e.out);
  },
  takeAlongAxis: (e) => {
    e.node('GatherElements', e.in, { axis: { int: e.op.attrs.axis } }, e.out);
  },
  // ONNX OneHot wraps negative indices around; tapenet gives an all-zero row for any index out of
  // [0, depth). Comparing the index with 0 … depth−1 reproduces tapenet's rule exactly.
  oneHot: (e) => {
    const idx = e.node('Unsqueeze', [e.in[0]!, e.ints([-1])]);
    const range = e.node('Range', [e.scalar(0, 'int32'), e.scalar(e.op.attrs.depth, 'int32'), e.scalar(1, 'int32')]);
    e.node('Cast', [e.node('Equal', [idx, range])], { to: { int: DataType.FLOAT } }, e.out);
  },
  // 2-D: one Gemm (its transA/transB are tapenet's flags). Batched: MatMul (NumPy broadcasting of the
  // batch dims, as tapenet), transposing the last two axes of a transposed operand first.
  matmul: (e) => {
    const { transposeA, transposeB } = e.op.attrs;
    const [a, b] = e.op.inputs as [Tensor, Tensor];
    if (a.rank === 2 && b.rank === 2) {
      e.node('Gemm', e.in, { transA: { int: transposeA ? 1 : 0 }, transB: { int: transposeB ? 1 : 0 } }, e.out);
      return;
    }
    const ta = transposeA ? e.node('Transpose', [e.in[0]!], { perm: swapLast(a.rank) }) : e.in[0]!;
    const tb = transposeB ? e.node('Transpose', [e.in[1]!], { perm: swapLast(b.rank) }) : e.in[1]!;
    e.node('MatMul', [ta, tb], {}, e.out);
  },
  // The optional bias is Conv's third input, as in tapenet.
  conv2d: (e) => {
    const { stride, padding, dilation, groups } = e.op.attrs;
    const w = e.op.inputs[1]!;
    e.node(
      'Conv',
      e.in,
      {
        kernel_shape: [w.shape[2]!, w.shape[3]!],
        strides: [...stride],
        pads: onnxPads(padding),
        dilations: [...dilation],
        group: { int: groups },
      },
      e.out,
    );
  },
  // conv2d's input gradient is a transposed convolution (how convTranspose2d is built), with the same
  // weight layout [C_in, C_out/group, kH, kW]. ONNX derives the size from its inputs; the rows and columns
  // the target shape has beyond that (conv2d's floor remainder, or convTranspose2d's outputPadding, each
  // below the stride) are ONNX's output_padding.
  conv2dBackpropInput: (e) => {
    const { stride, padding, dilation, groups, xShape } = e.op.attrs;
    const [dy, w] = e.op.inputs as [Tensor, Tensor];
    if (e.other.attrs.xShape.slice(1).join() !== xShape.slice(1).join())
      e.fail(`its target shape ${xShape.join('x')} changes beyond the batch dim between the traces`);
    const extra = [0, 1].map(
      (i) =>
        xShape[2 + i]! -
        (stride[i]! * (dy.shape[2 + i]! - 1) +
          dilation[i]! * (w.shape[2 + i]! - 1) +
          1 -
          padding[2 * i]! -
          padding[2 * i + 1]!),
    );
    if (extra.some((v, i) => v < 0 || v >= Math.max(stride[i]!, dilation[i]!)))
      e.fail(
        `its target size ${xShape.slice(2).join('x')} needs an output_padding of ${extra.join('x')}, outside ONNX's range`,
      );
    e.node(
      'ConvTranspose',
      e.in,
      {
        kernel_shape: [w.shape[2]!, w.shape[3]!],
        strides: [...stride],
        pads: onnxPads(padding),
        dilations: [...dilation],
        group: { int: groups },
        output_padding: extra,
      },
      e.out,
    );
  },
  // Padding never wins in either (ONNX pads max pooling with −∞); the kept indices are not exported.
  maxPool2d: (e) => {
    const { kernel, stride, padding, dilation } = e.op.attrs;
    e.node(
      'MaxPool',
      e.in,
      { kernel_shape: [...kernel], strides: [...stride], pads: onnxPads(padding), dilations: [...dilation] },
      e.out,
    );
  },
  // tapenet's windows always fit the padded input (floor mode), so count_include_pad divides by KH·KW in
  // both; without it, by the number of in-image taps in both.
  avgPool2d: (e) => {
    const { kernel, stride, padding, dilation, countIncludePad } = e.op.attrs;
    if (dilation[0] !== 1 || dilation[1] !== 1) e.fail('AveragePool has no dilations before opset 19');
    e.node(
      'AveragePool',
      e.in,
      {
        kernel_shape: [...kernel],
        strides: [...stride],
        pads: onnxPads(padding),
        count_include_pad: { int: countIncludePad ? 1 : 0 },
      },
      e.out,
    );
  },
  // opset ≥ 13: Softmax/LogSoftmax normalise along the one given axis, as tapenet
  softmax: (e) => {
    e.node('Softmax', e.in, { axis: { int: e.op.attrs.axis } }, e.out);
  },
  logSoftmax: (e) => {
    e.node('LogSoftmax', e.in, { axis: { int: e.op.attrs.axis } }, e.out);
  },
  scatterAddAlongAxis: 'no ONNX mapping (the adjoint of takeAlongAxis, used by gradients)',
  conv2dBackpropFilter: 'no ONNX mapping (a gradient op)',
  avgPool2dBackward: 'no ONNX mapping (a gradient op)',
  batchNorm:
    'batch norm with batch statistics (training mode) has no inference form; layers use their running statistics when applied with train: false',
};
