/** The exported model's structure, the options, and the errors for what cannot be exported. */
import {
  add,
  batchNorm,
  broadcastTo,
  cast,
  concat,
  full,
  greater,
  key,
  mul,
  random,
  reshape,
  scatterAddAlongAxis,
  type Tensor,
  tensor,
  zeros,
} from '@tapenet/autodiff';
import { dense, fanOut, identity, named, serial } from '@tapenet/layers';
import { lenet5, zoo } from '@tapenet/zoo';
import { describe, expect, it } from 'vitest';
import { exportOnnx, OnnxExportError, VERSION } from './index.js';
import { modelProto } from './proto.js';
import { fnLayer } from '../test/fn-layer.js';
import { agreement, runOrt, TOLERANCE } from '../test/helpers.js';

type Dim = { dim_value?: number; dim_param?: string };
type Info = { name: string; type: { tensor_type: { elem_type: number; shape: { dim: Dim[] } } } };
type Decoded = {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  opset_import: { domain: string; version: number }[];
  graph: {
    name: string;
    node: { op_type: string; input: string[]; output: string[] }[];
    initializer: { name: string; dims: number[]; data_type: number }[];
    input: Info[];
    output: Info[];
  };
};

const decode = (bytes: Uint8Array): Decoded =>
  modelProto().toObject(modelProto().decode(bytes), { longs: Number, bytes: String, defaults: false }) as Decoded;

const dims = (v: Info): (number | string)[] =>
  v.type.tensor_type.shape.dim.map((d) => d.dim_param ?? d.dim_value ?? '?');

describe('the exported model', () => {
  const net = lenet5();
  const { params, state } = net.init(key(0), [1, 28, 28]);

  it('declares IR 8, opset 17, tapenet as producer; input [N, 1, 28, 28], output [N, 10]', () => {
    const m = decode(exportOnnx(net, params, state, { inShape: [1, 28, 28] }));
    expect(m.ir_version).toBe(8);
    expect(m.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect([m.producer_name, m.producer_version]).toEqual(['tapenet', VERSION]);
    expect(m.graph.name).toBe('tapenet');
    expect(m.graph.input.map((v) => [v.name, v.type.tensor_type.elem_type, dims(v)])).toEqual([
      ['input', 1, ['N', 1, 28, 28]],
    ]);
    expect(m.graph.output.map((v) => [v.name, dims(v)])).toEqual([['logits', ['N', 10]]]);
    expect(m.graph.node.map((n) => n.op_type)).toEqual([
      'Conv',
      'Relu',
      'MaxPool',
      'Conv',
      'Relu',
      'MaxPool',
      'Reshape',
      'Gemm',
      'Add',
      'Relu',
      'Gemm',
      'Add',
      'Relu',
      'Gemm',
      'Add',
    ]);
  });

  it('names the initializers by the params paths (torchvision keys), stored as float32', () => {
    const m = decode(exportOnnx(net, params, state, { inShape: [1, 28, 28] }));
    const inits = m.graph.initializer.filter((t) => !t.name.startsWith('const_'));
    expect(inits.map((t) => t.name)).toEqual(
      ['conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight', 'fc1.bias', 'fc1.weight'].concat(
        'fc2.bias',
        'fc2.weight',
        'fc3.bias',
        'fc3.weight',
      ),
    );
    expect(inits.find((t) => t.name === 'conv1.weight')).toMatchObject({ dims: [6, 1, 5, 5], data_type: 1 });
  });

  it('keeps batch-norm state under its state_dict names and leaves out the unused int32 counters', () => {
    const r20 = zoo.get('resnet20');
    const init = r20.init(key(0), [3, 32, 32]);
    const names = decode(exportOnnx(r20, init.params, init.state, { inShape: [3, 32, 32] })).graph.initializer.map(
      (t) => t.name,
    );
    expect(names).toContain('bn1.running_mean');
    expect(names).toContain('layer1.0.bn2.running_var');
    expect(names).toContain('layer3.2.conv2.weight');
    expect(names.some((n) => n.endsWith('num_batches_tracked'))).toBe(false);
  });

  it('honours inputName, outputName, modelName and opset', async () => {
    const opts = { inShape: [1, 28, 28], inputName: 'image', outputName: 'scores', modelName: 'lenet', opset: 13 };
    const bytes = exportOnnx(net, params, state, opts);
    const m = decode(bytes);
    expect(m.opset_import[0]!.version).toBe(13);
    expect([m.graph.name, m.graph.input[0]!.name, m.graph.output[0]!.name]).toEqual(['lenet', 'image', 'scores']);
    const x = zeros([2, 1, 28, 28]);
    const got = await runOrt(bytes, x, { input: 'image', output: 'scores' });
    expect(got.dims).toEqual([2, 10]);
  });

  it('builds batch-dependent shapes from N at run time', () => {
    const f = fnLayer((x) => {
      const n = x.shape[0]!;
      return reshape(concat([x, x], 0), [n, 2 * x.shape[1]!]);
    });
    const m = decode(exportOnnx(f, {}, {}, { inShape: [3] }));
    const reshapeNode = m.graph.node.find((n) => n.op_type === 'Reshape')!;
    const shape = m.graph.initializer.find((t) => t.name === reshapeNode.input[1]);
    expect(shape?.dims).toEqual([2]); // [-1, 6]: the one batch-dependent dim inferred
    const two = fnLayer((x) => reshape(concat([x, x], 0), [x.shape[0]!, 2, 3]));
    expect(decode(exportOnnx(two, {}, {}, { inShape: [3] })).graph.node.map((n) => n.op_type)).toContain('Reshape');
  });

  it('exports a float64 model as float32 and agrees with its float64 forward pass', async () => {
    const mlp = zoo.get('mlp');
    const init = mlp.init(key(2), [1, 28, 28], { dtype: 'float64' });
    const m = decode(exportOnnx(mlp, init.params, init.state, { inShape: [1, 28, 28] }));
    expect(new Set(m.graph.initializer.filter((t) => t.name.includes('.')).map((t) => t.data_type))).toEqual(
      new Set([1]),
    );
    const x = random.normal(key(3), [3, 1, 28, 28], 0, 1, { dtype: 'float64' });
    const got = await runOrt(exportOnnx(mlp, init.params, init.state, { inShape: [1, 28, 28] }), x);
    const ref = mlp.apply(init.params, init.state, x, { train: false }).y.data();
    got.data.forEach((v, i) => {
      expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('exports a model that returns its input as one Identity', async () => {
    const a = await agreement(serial(identity), {}, {}, [4]);
    expect(a.rel).toBe(0);
  });
});

/** A layer running `f` after a dense layer, inside `named({ body: serial(dense, <here>) })`. */
const nested = (f: (x: Tensor) => Tensor) => named({ body: serial(dense(4), fnLayer(f)) });

describe('what cannot be exported is refused, naming the argument or the layer', () => {
  const net = lenet5();
  const { params, state } = net.init(key(0), [1, 28, 28]);
  const expectError = (f: () => unknown, pattern: RegExp): void => {
    expect(f).toThrow(OnnxExportError);
    expect(f).toThrow(pattern);
  };

  it('a non-layer, a bad inShape, a bad opset or names', () => {
    expectError(
      () => exportOnnx({} as never, params, state, { inShape: [1, 28, 28] }),
      /model: expected a @tapenet\/layers layer/,
    );
    expectError(
      () => exportOnnx(net, params, state, { inShape: [0, 28] }),
      /inShape: expected the per-example input shape/,
    );
    expectError(
      () => exportOnnx(net, params, state, { inShape: [1, 28, 28], opset: 18 }),
      /opset: 18 is not supported/,
    );
    expectError(
      () => exportOnnx(net, params, state, { inShape: [1, 28, 28], inputName: 'x', outputName: 'x' }),
      /inputName and outputName are both 'x'/,
    );
    expectError(
      () => exportOnnx(net, params, state, { inShape: [1, 4, 4] }),
      /inShape \[1, 4, 4\] does not fit the model/,
    );
  });

  it('params that do not fit the model: wrong shape, missing, extra, not a tensor', () => {
    const five = lenet5({ numClasses: 5 }).init(key(0), [1, 28, 28]).params;
    expectError(
      () => exportOnnx(net, five, state, { inShape: [1, 28, 28] }),
      /params 'fc3.bias' has shape \[5\]; the model expects \[10\] for input \[1, 28, 28\]/,
    );
    const { fc3: _drop, ...rest } = params as Record<string, unknown>;
    expectError(
      () => exportOnnx(net, rest as never, state, { inShape: [1, 28, 28] }),
      /params: missing 'fc3.bias', 'fc3.weight'/,
    );
    const extra = { ...(params as object), extra: zeros([1]) };
    expectError(
      () => exportOnnx(net, extra as never, state, { inShape: [1, 28, 28] }),
      /params 'extra': the model has no such parameter/,
    );
    const notTensor = { ...(params as object), fc3: { weight: 1, bias: 2 } };
    expectError(
      () => exportOnnx(net, notTensor as never, state, { inShape: [1, 28, 28] }),
      /params 'fc3.bias': expected a tensor/,
    );
  });

  it('an op with no ONNX mapping, naming the layer path and the op', () => {
    const scatter = nested((x) => scatterAddAlongAxis(x, cast(greater(x, 1e9), 'int32'), 1, 4));
    const init = scatter.init(key(0), [3]);
    expectError(
      () => exportOnnx(scatter, init.params, init.state, { inShape: [3] }),
      /onnx export: body\.1 \(op 'scatterAddAlongAxis'\): no ONNX mapping/,
    );
    const bn = nested((x) => batchNorm(x, full([4], 1), full([4], 0)).y);
    const bnInit = bn.init(key(0), [3]);
    expectError(
      () => exportOnnx(bn, bnInit.params, bnInit.state, { inShape: [3] }),
      /body\.1 \(op 'batchNorm'\): batch norm with batch statistics \(training mode\)/,
    );
  });

  it('a constant whose shape or values depend on the batch', () => {
    const shaped = nested((x) => add(x, zeros([x.shape[0]!, 4])));
    const i1 = shaped.init(key(0), [3]);
    expectError(
      () => exportOnnx(shaped, i1.params, i1.state, { inShape: [3] }),
      /body\.1 \(op 'add'\): input 1 is a constant float32 \[2, 4\] at batch 2 but float32 \[3, 4\] at batch 3/,
    );
    const valued = nested((x) => mul(x, tensor(x.data()[0]!)));
    const i2 = valued.init(key(0), [3]);
    expectError(
      () => exportOnnx(valued, i2.params, i2.state, { inShape: [3] }),
      /body\.1 \(op 'mul'\): input 1 is a constant \[\] whose values differ/,
    );
  });

  it('a dim that is not a multiple of the batch size (one such dim alone would be a -1)', () => {
    const cube = fnLayer((x) => {
      const n = x.shape[0]!;
      return reshape(broadcastTo(reshape(x, [n, 1, 1]), [n, n, n]), [n * n, n]);
    });
    expectError(
      () => exportOnnx(cube, {}, {}, { inShape: [1] }),
      /\(model\) \(op 'reshape'\): reshape target dim 0 is 4 at batch 2 and 9 at batch 3, not a fixed multiple of the batch size/,
    );
  });

  it('a model with a list output, or an output that ignores the input', () => {
    expectError(() => exportOnnx(fanOut(2), {}, {}, { inShape: [3] }), /the model's output is a list of 2 tensors/);
    const w = zeros([3]);
    const constantOut = { ...fnLayer(() => w) };
    expectError(() => exportOnnx(constantOut, {}, {}, { inShape: [3] }), /output does not depend on its input/);
  });

  it('an error of the model itself, with the input it was traced on', () => {
    const broken = fnLayer(() => {
      throw new Error('boom');
    });
    expectError(
      () => exportOnnx(broken, {}, {}, { inShape: [3] }),
      /model.apply failed on an input \[2, 3\] float32 in eval mode: boom/,
    );
  });
});
