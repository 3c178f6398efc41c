/** @file intermediates / forwardTo / layerPaths: exactly what `apply` computes, at every dotted path. */
import { add, foldIn, grad, key, random, sum, type Tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import type { AnyLayer, Layer } from './index.js';
import {
  batchNorm,
  conv2d,
  dense,
  dropout,
  fanInConcat,
  fanInSum,
  fanOut,
  flatten,
  forwardTo,
  globalAvgPool,
  intermediates,
  layerPaths,
  named,
  parallel,
  relu,
  residual,
  serial,
  tanh,
} from './index.js';

const F64 = { dtype: 'float64' } as const;
const EVAL = { train: false } as const;
const x4 = random.normal(key(1), [2, 3, 6, 6], 0, 1, F64);
const arr = (a: unknown): unknown => (a as Tensor).toArray();

/** A small model with every kind of nesting: serial in named, residual with a projection, leaves. */
const nested = () =>
  named({
    stem: serial(conv2d({ out: 4, kernel: 3, padding: 1 }), batchNorm(), relu),
    block: residual(
      named({
        conv1: conv2d({ out: 5, kernel: 3, padding: 1 }),
        bn1: batchNorm(),
        act: relu,
        conv2: conv2d({ out: 5, kernel: 3, padding: 1 }),
      }),
      serial(conv2d({ out: 5, kernel: 1 }), batchNorm()),
      { activation: relu },
    ),
    pool: globalAvgPool,
    head: serial(dense(6), dropout(0.5), dense(3)),
  });

const NESTED_PATHS = [
  'stem.0',
  'stem.1',
  'stem.2',
  'stem',
  'block.conv1',
  'block.bn1',
  'block.act',
  'block.conv2',
  'block.downsample.0',
  'block.downsample.1',
  'block.downsample',
  'block',
  'pool',
  'head.0',
  'head.1',
  'head.2',
  'head',
];

describe('layerPaths', () => {
  it('lists every child path in the order apply computes them, children before their combinator', () => {
    expect(layerPaths(nested())).toEqual(NESTED_PATHS);
    expect(layerPaths(serial(fanOut(2), parallel(dense(2), dense(3)), fanInConcat(1)))).toEqual([
      '0',
      '1.0',
      '1.1',
      '1',
      '2',
    ]);
    expect(layerPaths(conv2d({ out: 2, kernel: 1 }))).toEqual([]);
  });

  it('names a residual main branch without children "main", with its params flat as before', () => {
    const block = residual(conv2d({ out: 3, kernel: 3, padding: 1 }));
    expect(layerPaths(block)).toEqual(['main']);
    const { params, state } = block.init(key(0), [3, 6, 6], F64);
    const acts = intermediates(block, params, state, x4, EVAL);
    const main = conv2d({ out: 3, kernel: 3, padding: 1 }).apply(params, {}, x4, EVAL).y;
    expect(arr(acts.get('main'))).toEqual(main.toArray());
    expect(block.apply(params, state, x4, EVAL).y.toArray()).toEqual(add(main, x4).toArray());
  });
});

describe('intermediates', () => {
  it('serial: the last child gives apply’s output, an inner one what its layer gives by hand', () => {
    const net = serial(conv2d({ out: 4, kernel: 3 }), tanh, flatten, dense(3));
    const { params, state } = net.init(key(0), [3, 6, 6], F64);
    const acts = intermediates(net, params, state, x4, EVAL);
    expect([...acts.keys()]).toEqual(['0', '1', '2', '3']);
    expect(arr(acts.get('3'))).toEqual(net.apply(params, state, x4, EVAL).y.toArray());
    const conv = conv2d({ out: 4, kernel: 3 }).apply(params[0], state[0], x4, EVAL).y;
    expect(arr(acts.get('0'))).toEqual(conv.toArray());
    expect((acts.get('2') as Tensor).shape).toEqual([2, 64]);
  });

  it('nested named/serial/residual in training mode: same output and next state as apply, every path reported', () => {
    const net = nested();
    const { params, state } = net.init(key(2), [3, 6, 6], F64);
    const ctx = { train: true, key: key(3) };
    const acts = intermediates(net, params, state, x4, ctx);
    expect([...acts.keys()]).toEqual(NESTED_PATHS);
    const full = net.apply(params, state, x4, ctx);
    expect(arr(acts.get('head'))).toEqual(full.y.toArray());
    expect(arr(acts.get('head.2'))).toEqual(full.y.toArray());
    // the block is relu(main + shortcut) of the reported branches
    const sum_ = add(acts.get('block.conv2') as Tensor, acts.get('block.downsample') as Tensor);
    expect(arr(acts.get('block'))).toEqual(relu.apply({}, {}, sum_, EVAL).y.toArray());
    // the state that apply returns is untouched by the tap
    const again = net.apply(params, state, x4, { ...ctx, tap: () => {} });
    expect(again.y.toArray()).toEqual(full.y.toArray());
    expect(arr(again.state.stem[1].running_mean)).toEqual(arr(full.state.stem[1].running_mean));
  });

  it('child i draws from foldIn(ctx.key, i), at every depth', () => {
    const net = named({ a: serial(dense(8), dropout(0.5)), b: dropout(0.5) });
    const { params, state } = net.init(key(4), [5], F64);
    const x = random.normal(key(5), [3, 5], 0, 1, F64);
    const k = key(6);
    const acts = intermediates(net, params, state, x, { train: true, key: k });
    const a1 = dropout(0.5).apply({}, {}, acts.get('a.0') as Tensor, { train: true, key: foldIn(foldIn(k, 0), 1) });
    expect(arr(acts.get('a.1'))).toEqual(a1.y.toArray());
    const b = dropout(0.5).apply({}, {}, acts.get('a') as Tensor, { train: true, key: foldIn(k, 1) });
    expect(arr(acts.get('b'))).toEqual(b.y.toArray());
    expect(arr(acts.get('b'))).not.toEqual(arr(acts.get('a')));
  });

  it('stops right after `until`: the later layers never run', () => {
    const boom: Layer = {
      describe: (s) => relu.describe(s),
      init: (k, s) => relu.init(k, s),
      apply: () => {
        throw new Error('the layer after until ran');
      },
    };
    const net = named({ conv: conv2d({ out: 2, kernel: 3 }), act: relu, boom });
    const { params, state } = net.init(key(0), [3, 6, 6], F64);
    expect(() => net.apply(params, state, x4, EVAL)).toThrow(/after until ran/);
    expect([...intermediates(net, params, state, x4, EVAL, { until: 'act' }).keys()]).toEqual(['conv', 'act']);
    expect([...intermediates(nested(), ...initNested(), x4, EVAL, { until: 'block.bn1' }).keys()]).toEqual(
      NESTED_PATHS.slice(0, NESTED_PATHS.indexOf('block.bn1') + 1),
    );
  });

  it('passes the outputs on to a tap already in ctx', () => {
    const net = serial(conv2d({ out: 2, kernel: 3 }), relu);
    const { params, state } = net.init(key(0), [3, 6, 6], F64);
    const seen: string[] = [];
    intermediates(net, params, state, x4, { train: false, tap: (path) => seen.push(path) });
    expect(seen).toEqual(['0', '1']);
  });

  it('names an unknown path and lists the available ones', () => {
    const net = nested();
    const [params, state] = initNested();
    expect(() => intermediates(net, params, state, x4, EVAL, { until: 'block.conv3' })).toThrow(
      /no layer 'block\.conv3' in this model; its paths are stem\.0, stem\.1, stem\.2, stem, block\.conv1, /,
    );
    const leaf = dense(2);
    const p = leaf.init(key(0), [3]);
    expect(() => intermediates(leaf, p.params, p.state, random.normal(key(0), [1, 3]), EVAL, { until: 'x' })).toThrow(
      /its paths are none: the layer has no children/,
    );
  });

  it('says so when a wrapper lists children but drops the tap', () => {
    const inner = serial(conv2d({ out: 2, kernel: 3 }), relu);
    const wrapper: typeof inner = {
      ...inner,
      apply: (p, s, x, ctx) => inner.apply(p, s, x, { train: ctx.train }),
    };
    const { params, state } = inner.init(key(0), [3, 6, 6], F64);
    expect(() => intermediates(wrapper, params, state, x4, EVAL, { until: '1' })).toThrow(/never reported/);
  });
});

describe('forwardTo', () => {
  it('is differentiable: its input gradient is that of the sub-network up to the path', () => {
    const conv = conv2d({ out: 3, kernel: 3 });
    const net = serial(conv, tanh, flatten, dense(2));
    const { params, state } = net.init(key(7), [3, 6, 6], F64);
    const prefix = serial(conv, tanh);
    const viaPath = grad((x: Tensor) => sum(forwardTo(net, params, state, x, '1')))(x4);
    const byHand = grad((x: Tensor) => sum(prefix.apply([params[0], params[1]], [state[0], state[1]], x, EVAL).y))(x4);
    expect(viaPath.toArray()).toEqual(byHand.toArray());
    expect(forwardTo(net, params, state, x4, '3').toArray()).toEqual(net.apply(params, state, x4, EVAL).y.toArray());
  });

  it('refuses a list activation and an unknown path', () => {
    const net: AnyLayer = serial(fanOut(2), fanInSum);
    const { params, state } = net.init(key(0), [3]);
    const x = random.normal(key(0), [1, 3]);
    expect(() => forwardTo(net, params, state, x, '0')).toThrow(
      /'0' gives a list of 2 activations \(\[1, 3\], \[1, 3\]\)/,
    );
    expect(() => forwardTo(net, params, state, x, '2')).toThrow(/no layer '2' in this model; its paths are 0, 1$/);
  });
});

function initNested() {
  const { params, state } = nested().init(key(2), [3, 6, 6], F64);
  return [params, state] as const;
}
