/** @file Combinators: parameter paths (torchvision's state_dict keys), keys per child, residual, fan-in/out, fp-ts composition. */
import { add, concat, foldIn, key, random, type Tensor, treePaths } from '@tapenet/autodiff';
import { flow, pipe } from 'fp-ts/lib/function.js';
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../test/support.js';
import {
  batchNorm,
  conv2d,
  dense,
  dropout,
  fanInConcat,
  fanInSum,
  fanOut,
  flatten,
  maxPool2d,
  named,
  parallel,
  relu,
  residual,
  serial,
  tanh,
  toFn,
} from './index.js';

const paths = (tree: unknown): string[] => treePaths(tree).map(([p]) => p);
const x4 = random.normal(key(1), [2, 3, 6, 6], 0, 1, { dtype: 'float64' });
const EVAL = { train: false } as const;

describe('serial and named', () => {
  it('serial params are an array, {} for parameterless layers, so paths match torch.nn.Sequential', () => {
    const features = serial(conv2d({ out: 4, kernel: 3 }), relu, maxPool2d(2), conv2d({ out: 5, kernel: 2 }));
    const { params, state } = features.init(key(0), [3, 6, 6]);
    expect(Array.isArray(params)).toBe(true);
    expect(params[1]).toEqual({});
    expect(params[0].weight.shape).toEqual([4, 3, 3, 3]);
    expect(paths({ features: params })).toEqual([
      'features.0.bias',
      'features.0.weight',
      'features.3.bias',
      'features.3.weight',
    ]);
    expect(state).toEqual([{}, {}, {}, {}]);
  });

  it('named params are records keyed by the given names', () => {
    const net = named({
      conv1: conv2d({ out: 2, kernel: 3 }),
      bn1: batchNorm(),
      act: relu,
      fc: serial(flatten, dense(3)),
    });
    const { params, state } = net.init(key(0), [3, 6, 6]);
    expect(paths(params)).toEqual(['bn1.bias', 'bn1.weight', 'conv1.bias', 'conv1.weight', 'fc.1.bias', 'fc.1.weight']);
    expect(paths(state)).toEqual(['bn1.num_batches_tracked', 'bn1.running_mean', 'bn1.running_var']);
  });

  it('child i is initialised with foldIn(key, i) and runs with foldIn(ctx.key, i)', () => {
    const k = key(3);
    const net = serial(relu, dense(2));
    expect(valuesOf(net.init(k, [3]).params[1])).toEqual(valuesOf(dense(2).init(foldIn(k, 1), [3]).params));
    const x = random.normal(key(4), [4, 10], 0, 1, { dtype: 'float64' });
    const twice = serial(dropout(0.5), dropout(0.5));
    const y = twice.apply([{}, {}], [{}, {}], x, { train: true, key: k }).y;
    const d = dropout(0.5);
    const manual = d.apply({}, {}, d.apply({}, {}, x, { train: true, key: foldIn(k, 0) }).y, {
      train: true,
      key: foldIn(k, 1),
    }).y;
    expect(Array.from(y.data())).toEqual(Array.from(manual.data()));
  });

  it('two dropout branches draw different masks from one ctx key', () => {
    const net = serial(fanOut(2), parallel(dropout(0.5), dropout(0.5)));
    const x = random.normal(key(4), [4, 10], 0, 1, { dtype: 'float64' });
    const [a, b] = net.apply([{}, [{}, {}]], [{}, [{}, {}]], x, { train: true, key: key(5) }).y;
    expect(Array.from(a!.data())).not.toEqual(Array.from(b!.data()));
  });

  it('refuse empty chains', () => {
    expect(() => serial(...([] as unknown as [typeof relu]))).toThrow('serial: needs at least one layer');
    expect(() => named({})).toThrow('named: needs at least one layer');
  });

  it('a ShapeError names the path of the failing layer and its numbers', () => {
    const net = serial(
      conv2d({ out: 4, kernel: 3 }),
      named({ block: serial(maxPool2d(2), conv2d({ out: 8, kernel: 3 })) }),
    );
    expect(() => net.describe([3, 6, 6])).toThrow(
      '1.block.1 (conv2d): inShape [4, 2, 2] is too small for kernel 3x3 (stride 1x1, padding [0, 0, 0, 0], dilation 1x1): output height ⌊(2 + 0 + 0 − 1·(3 − 1) − 1)/1⌋ + 1 = 0 < 1',
    );
    expect(() => net.init(key(0), [3, 6, 6])).toThrow(/^1\.block\.1 \(conv2d\)/);
  });
});

describe('residual', () => {
  const main = named({
    conv1: conv2d({ out: 4, kernel: 3, stride: 2, padding: 1, bias: false }),
    bn1: batchNorm(),
    relu,
    conv2: conv2d({ out: 4, kernel: 3, padding: 1, bias: false }),
    bn2: batchNorm(),
  });
  const shortcut = serial(conv2d({ out: 4, kernel: 1, stride: 2, bias: false }), batchNorm());

  it("merges the shortcut's params under 'downsample' (torchvision's BasicBlock keys)", () => {
    const block = residual(main, shortcut, { activation: relu });
    const { params, state } = block.init(key(0), [3, 6, 6]);
    expect(paths({ layer2: [params] })).toEqual([
      'layer2.0.bn1.bias',
      'layer2.0.bn1.weight',
      'layer2.0.bn2.bias',
      'layer2.0.bn2.weight',
      'layer2.0.conv1.weight',
      'layer2.0.conv2.weight',
      'layer2.0.downsample.0.weight',
      'layer2.0.downsample.1.bias',
      'layer2.0.downsample.1.weight',
    ]);
    expect(paths(state)).toContain('downsample.1.running_var');
    expect(paths(residual(main, shortcut, { shortcutName: 'proj' }).init(key(0), [3, 6, 6]).params)).toContain(
      'proj.0.weight',
    );
  });

  it('computes activation(main(x) + shortcut(x)) and returns both states', () => {
    const block = residual(main, shortcut, { activation: relu });
    const { params, state } = block.init(key(0), [3, 6, 6], { dtype: 'float64' });
    const { downsample, ...mp } = params;
    const { downsample: ds, ...ms } = state;
    const ctx = { train: true, key: key(2) };
    const m = main.apply(mp, ms, x4, { train: true, key: foldIn(ctx.key, 0) });
    const s = shortcut.apply(downsample, ds, x4, { train: true, key: foldIn(ctx.key, 1) });
    const r = block.apply(params, state, x4, ctx);
    expect(Array.from(r.y.data())).toEqual(Array.from(relu.apply({}, {}, add(m.y, s.y), EVAL).y.data()));
    expect(valuesOf(r.state)).toEqual(valuesOf({ ...m.state, downsample: s.state }));
  });

  it('identity shortcut adds the input', () => {
    const block = residual(named({ conv: conv2d({ out: 3, kernel: 3, padding: 1 }), act: tanh }));
    const { params, state } = block.init(key(0), [3, 6, 6], { dtype: 'float64' });
    const inner = named({ conv: conv2d({ out: 3, kernel: 3, padding: 1 }), act: tanh }).apply(
      params,
      state,
      x4,
      EVAL,
    ).y;
    expect(Array.from(block.apply(params, state, x4, EVAL).y.data())).toEqual(Array.from(add(inner, x4).data()));
  });

  it('reports shape mismatches, array params and name clashes', () => {
    expect(() => residual(named({ conv: conv2d({ out: 5, kernel: 3, padding: 1 }) })).describe([3, 6, 6])).toThrow(
      'residual: main outputs [5, 6, 6] but the identity shortcut gives [3, 6, 6]; add a projection shortcut',
    );
    expect(() => residual(serial(conv2d({ out: 3, kernel: 1 })) as never).describe([3, 6, 6])).toThrow(
      /params that are not a record; build it with named/,
    );
    expect(() =>
      residual(named({ downsample: conv2d({ out: 3, kernel: 1 }) }), conv2d({ out: 3, kernel: 1 })).describe([3, 6, 6]),
    ).toThrow(/'downsample' is already a key/);
  });
});

describe('fan-out / fan-in', () => {
  it('fanInConcat joins channels; fanInSum adds', () => {
    const a = conv2d({ out: 2, kernel: 1 });
    const b = conv2d({ out: 3, kernel: 3, padding: 1 });
    const net = serial(fanOut(2), parallel(a, b), fanInConcat());
    const { params, state, outShape } = net.init(key(0), [3, 6, 6], { dtype: 'float64' });
    expect(outShape).toEqual([5, 6, 6]);
    const [pa, pb] = params[1];
    const expected = concat([a.apply(pa, {}, x4, EVAL).y, b.apply(pb, {}, x4, EVAL).y], 1);
    expect(Array.from(net.apply(params, state, x4, EVAL).y.data())).toEqual(Array.from(expected.data()));
    const sum = serial(fanOut(3), fanInSum);
    expect(Array.from(sum.apply([{}, {}], [{}, {}], x4, EVAL).y.data())).toEqual(
      Array.from(add(add(x4, x4), x4).data()),
    );
  });

  it('check list lengths and shapes', () => {
    expect(() => serial(fanOut(2), parallel(relu, relu, relu)).describe([3])).toThrow(
      '1 (parallel): input has 2 activations but there are 3 branches',
    );
    expect(() => fanInSum.describe([[3], [4]])).toThrow('fanInSum: input 1 has shape [4] but input 0 has [3]');
    expect(() =>
      fanInConcat(1).describe([
        [3, 2],
        [4, 3],
      ]),
    ).toThrow(/fanInConcat: input 1 has shape \[4, 3\], which does not match/);
    expect(() => relu.describe([[3], [3]] as never)).toThrow(
      'relu: input is a list of 2 activations; expected one activation',
    );
  });
});

describe('fp-ts', () => {
  it('pipe and flow compose layers as functions, and build layers', () => {
    const conv = conv2d({ out: 2, kernel: 3 });
    const head = serial(flatten, dense(3));
    const net = pipe(conv, (c) => serial(c, relu, head));
    const { params, state } = net.init(key(0), [3, 6, 6], { dtype: 'float64' });
    const [pc, , ph] = params;
    const [sc, , sh] = state;
    const f = flow(toFn(conv, pc, sc, EVAL), toFn(relu, {}, {}, EVAL), toFn(head, ph, sh, EVAL));
    const viaPipe: Tensor = pipe(x4, toFn(conv, pc, sc, EVAL), toFn(relu, {}, {}, EVAL), toFn(head, ph, sh, EVAL));
    const direct = net.apply(params, state, x4, EVAL).y;
    expect(Array.from(f(x4).data())).toEqual(Array.from(direct.data()));
    expect(Array.from(viaPipe.data())).toEqual(Array.from(direct.data()));
  });
});
