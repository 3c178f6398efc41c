/**
 * @file `exportOnnx`: a layer in inference mode → an ONNX model (float32, symbolic batch dim 'N').
 * The forward pass is traced (see record.ts), each primitive is mapped by ops.ts, parameters and state
 * become initializers named by their paths, and the model is encoded with the official schema.
 */
import { type DType, fmt, type Shape, type Tensor, treeLeaves } from '@tapenet/autodiff';
import type { Acts, Layer } from '@tapenet/layers';
import { checkInShape, checkLayer, checkTree, describeFor } from './check.js';
import { OnnxExportError } from './errors.js';
import { GraphBuilder, onnxType } from './graph.js';
import { type Emit, MAPPING } from './ops.js';
import { DataType, type DimMsg, encodeModel, type ValueInfoMsg } from './proto.js';
import { type Program, ROOT, record, TRACE_BATCHES } from './record.js';
import { VERSION } from './version.js';

/** Options of {@link exportOnnx}. */
export type ExportOptions = {
  /** The per-example input shape (no batch dim), e.g. `[3, 32, 32]`; the graph input is `[N, ...inShape]`. */
  readonly inShape: Shape;
  /**
   * The dtype the model is traced in (default: the params' float dtype, else float32). The ONNX model is
   * float32 either way: float64 parameters, state and constants are rounded to float32.
   */
  readonly dtype?: 'float32' | 'float64';
  /** Name of the graph input (default 'input'). */
  readonly inputName?: string;
  /** Name of the graph output (default 'logits'). */
  readonly outputName?: string;
  /** The ONNX opset to declare, 13 to 17 (default 17); the nodes written are valid in all of them. */
  readonly opset?: number;
  /** The graph's name (default 'tapenet'). */
  readonly modelName?: string;
};

const isFloat = (t: unknown): t is Tensor =>
  typeof t === 'object' && t !== null && ((t as Tensor).dtype === 'float32' || (t as Tensor).dtype === 'float64');

function checkName(what: string, v: unknown): string {
  if (typeof v !== 'string' || v === '')
    throw new OnnxExportError(`${what}: expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Exports `model` applied with `params` and `state` in inference mode (`train: false`) to an ONNX model
 * (IR version 8, default opset 17) and returns its bytes. The graph has one float32 input
 * `[N, ...inShape]` and one output, with a symbolic batch dim 'N'; parameters and state are initializers
 * named by their paths (`conv1.weight`, `layer1.0.bn1.running_mean`: torchvision's state_dict keys for
 * zoo models). Throws an `OnnxExportError` naming the argument, or the layer path and the op, when the
 * model cannot be exported (an op with no ONNX mapping, a shape that depends on the batch size in a way
 * ONNX cannot express, params that do not fit the model).
 * @example
 * const bytes = exportOnnx(net, params, state, { inShape: [1, 28, 28] });
 */
export function exportOnnx<P, S>(
  model: Layer<P, S, Tensor, Acts>,
  params: P,
  state: S,
  options: ExportOptions,
): Uint8Array {
  checkLayer(model);
  if (options === null || typeof options !== 'object') throw new OnnxExportError('options: expected { inShape, ... }');
  const { inShape, opset = 17, modelName = 'tapenet' } = options;
  const inputName = checkName('inputName', options.inputName ?? 'input');
  const outputName = checkName('outputName', options.outputName ?? 'logits');
  checkName('modelName', modelName);
  if (inputName === outputName) throw new OnnxExportError(`inputName and outputName are both '${inputName}'`);
  if (!Number.isInteger(opset) || opset < 13 || opset > 17) {
    throw new OnnxExportError(`opset: ${opset} is not supported; expected an integer from 13 to 17`);
  }
  checkInShape(inShape);
  const info = describeFor(model, inShape);
  checkTree('params', info.params, params, inShape);
  checkTree('state', info.state, state, inShape);
  const dtype = options.dtype ?? treeLeaves(params).find(isFloat)?.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new OnnxExportError(`dtype: expected 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  const program = record(model, params, state, inShape, dtype);
  const g = new GraphBuilder();
  g.claim(inputName);
  g.claim(outputName);
  const nodes = emitGraph(program, g, inputName, outputName);
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'tapenet',
    producer_version: VERSION,
    doc_string: `A ${info.type} layer exported by @tapenet/onnx ${VERSION} in inference mode.`,
    graph: {
      name: modelName,
      node: nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, program.x, program, true)],
      output: [valueInfo(outputName, program.y, program, false)],
      doc_string: `input '${inputName}': [N, ${inShape.join(', ')}] float32; output '${outputName}'${fmt(program.y.shape.slice(1))} per example`,
    },
  });
}

/** A graph input/output's type: its trace-A dims, the batch-dependent ones symbolic. */
function valueInfo(name: string, t: Tensor, p: Program, isInput: boolean): ValueInfoMsg {
  const b = p.pair.get(t)!;
  const dim = t.shape.map((d, i): DimMsg => {
    if (isInput && i === 0) return { dim_param: 'N' };
    if (d === b.shape[i]) return { dim_value: d };
    return d === TRACE_BATCHES[0] && b.shape[i] === TRACE_BATCHES[1] ? { dim_param: 'N' } : {};
  });
  return { name, type: { tensor_type: { elem_type: onnxType(t.dtype), shape: { dim } } } };
}

/** Small constants (lifted scalars, masks) are shared between uses when their contents are equal. */
const SHARE_UP_TO = 64;

/** Adds the initializers and nodes of `p` to `g`; returns the nodes. */
function emitGraph(p: Program, g: GraphBuilder, inputName: string, outputName: string): GraphBuilder['nodes'] {
  const names = new Map<Tensor, string>([[p.x, inputName]]);
  const bools = new Map<string, string>();
  const shared = new Map<string, string>();
  const residuals = new Set(p.ops.flatMap((o) => o.residuals));
  const used = new Set(p.ops.flatMap((o, i) => (p.live[i] ? o.inputs : [])));
  for (const leaf of p.leaves) {
    if (leaf.tensor.dtype === 'int32' && !used.has(leaf.tensor)) continue; // e.g. batch norm's step counter
    if (!g.claim(leaf.path)) {
      throw new OnnxExportError(
        `${leaf.kind} '${leaf.path}': the name is taken (by the input, the output or another leaf)`,
      );
    }
    g.tensor(leaf.path, leaf.tensor);
    names.set(leaf.tensor, leaf.path);
  }
  const constant = (t: Tensor, scope: string): string => {
    const values = (): string => Array.from(t.data(), (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',');
    const id = t.size <= SHARE_UP_TO ? `${t.dtype}${fmt(t.shape)}:${values()}` : undefined;
    const known = id === undefined ? undefined : shared.get(id);
    if (known !== undefined) return known;
    const name = g.fresh(`${scope}/const`);
    g.tensor(name, t);
    if (id !== undefined) shared.set(id, name);
    return name;
  };
  let batch: string | undefined;
  const batchDims = new Map<number, string>();
  const batchDim = (multiple: number): string => {
    // N as int64 [1]: Shape then Slice (Shape's start/end attributes need opset 15)
    batch ??= g.node(
      ROOT,
      'Slice',
      [g.node(ROOT, 'Shape', [inputName], [g.fresh('N_shape')]), g.int64s([0]), g.int64s([1])],
      [g.fresh('N')],
    );
    const known = batchDims.get(multiple);
    if (known !== undefined) return known;
    const d = multiple === 1 ? batch : g.node(ROOT, 'Mul', [batch, g.int64s([multiple])], [g.fresh(`N_x${multiple}`)]);
    batchDims.set(multiple, d);
    return d;
  };
  p.ops.forEach((op, i) => {
    if (!p.live[i]) return;
    const scope = p.paths[i]!;
    const fail = (detail: string): never => {
      throw new OnnxExportError(`${scope} (op '${op.op}'): ${detail}`);
    };
    const rule = MAPPING[op.op];
    if (typeof rule === 'string') fail(rule);
    const inputs = op.inputs.map((t, j) => {
      const known = names.get(t);
      if (known !== undefined) return known;
      if (residuals.has(t)) fail(`input ${j} is a tensor another op kept for its gradient, which ONNX cannot compute`);
      const name = constant(t, scope);
      names.set(t, name);
      return name;
    });
    const out = op.out === p.y ? outputName : g.fresh(`${scope === ROOT ? '' : `${scope}/`}${op.op}_${i}`);
    names.set(op.out, out);
    const e: Emit<typeof op.op> = {
      batches: TRACE_BATCHES,
      op,
      other: p.others[i]!,
      in: inputs,
      out,
      shapes: (t) => [t.shape, p.pair.get(t)!.shape],
      node: (opType, ins, attrs = {}, output) =>
        g.node(scope, opType, ins, [output ?? g.fresh(`${out}/${opType}`)], attrs),
      ints: (values, scalar) => g.int64s(values, scalar),
      scalar: (value, dt: DType) => g.scalar(value, dt),
      alias: (name) => {
        if (out === outputName) g.node(scope, 'Identity', [name], [out]);
        else names.set(op.out, name);
      },
      batchDim,
      bool: (name) => {
        const b =
          bools.get(name) ?? g.node(scope, 'Cast', [name], [g.fresh(`${name}/bool`)], { to: { int: DataType.BOOL } });
        bools.set(name, b);
        return b;
      },
      knownBool: (name, b) => {
        bools.set(name, b);
      },
      fail,
    };
    (rule as (e: Emit<typeof op.op>) => void)(e);
  });
  if (p.y === p.x) g.node(ROOT, 'Identity', [inputName], [outputName]);
  return g.nodes;
}
