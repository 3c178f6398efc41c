/**
 * @file Combinators (stax-style): serial (params as an array, indices as torch.nn.Sequential), named
 * (params as a record), parallel, fanOut, fanInSum, fanInConcat, residual. Child i receives the key
 * `foldIn(key, i)` in `init` and `foldIn(ctx.key, i)` in `apply`, so randomness is deterministic and
 * independent per child. A `ShapeError` from a child is re-thrown with the child's path. Each combinator
 * lists its layers as `children` (named as their params), and reports their outputs to `ctx.tap`.
 */
import { add, checkInt, checkOptions, concat, fmt, foldIn, type Key, type Shape, type Tensor } from '@tapenet/autodiff';
import { applyChild, checkLayer, EMPTY, LayerError, list, one, single, within } from './internal.js';
import type {
  Acts,
  AnyLayer,
  Child,
  ChildInfo,
  Ctx,
  Empty,
  InitOptions,
  Layer,
  LayerInfo,
  InOf,
  OutOf,
  ParamsOf,
  ShapeTree,
  StateOf,
} from './types.js';

type Chain = readonly [AnyLayer, ...AnyLayer[]];
type Last<L extends Chain> = L extends readonly [...unknown[], infer X] ? X : never;

/** The params of a serial chain: one entry per layer (`{}` for parameterless ones). */
export type SerialParams<L extends readonly AnyLayer[]> = { readonly [K in keyof L]: ParamsOf<L[K]> };
/** The state of a serial chain: one entry per layer. */
export type SerialState<L extends readonly AnyLayer[]> = { readonly [K in keyof L]: StateOf<L[K]> };
/** The params of a named chain: one entry per name. */
export type NamedParams<R extends Record<string, AnyLayer>> = { readonly [K in keyof R]: ParamsOf<R[K]> };
/** The state of a named chain: one entry per name. */
export type NamedState<R extends Record<string, AnyLayer>> = { readonly [K in keyof R]: StateOf<R[K]> };

type Entry = Child;
type Shapes = Shape | readonly Shape[];

/** Shape inference along a chain of named layers. */
function describeChain(
  type: string,
  entries: readonly Entry[],
  inShape: Shapes,
): LayerInfo & { children: ChildInfo[] } {
  let shape = inShape;
  let flops = 0;
  const children: ChildInfo[] = [];
  for (const [name, layer] of entries) {
    const info = within(name, () => layer.describe(shape));
    children.push({ name, info });
    shape = info.outShape;
    flops += info.flops;
  }
  return { type, outShape: shape, params: [], state: [], flops, children };
}

function initChain(entries: readonly Entry[], key: Key, inShape: Shapes, opts?: InitOptions) {
  let shape = inShape;
  const params: unknown[] = [];
  const state: unknown[] = [];
  entries.forEach(([name, layer], i) => {
    const r = within(name, () => layer.init(foldIn(key, i), shape, opts));
    params.push(r.params);
    state.push(r.state);
    shape = r.outShape;
  });
  return { params, state, outShape: shape };
}

function applyChain(
  entries: readonly Entry[],
  params: readonly unknown[],
  state: readonly unknown[],
  x: Acts,
  ctx: Ctx,
) {
  let y = x;
  const next: unknown[] = [];
  entries.forEach(([name, layer], i) => {
    const r = applyChild(name, i, layer, params[i], state[i], y, ctx);
    y = r.y;
    next.push(r.state);
  });
  return { y, state: next };
}

/**
 * Layers in sequence. Params and state are arrays with one entry per layer (`{}` for parameterless
 * ones), so `treePaths` gives torch.nn.Sequential's keys: `features.0.weight`, `features.3.weight`.
 * @example const net = serial(conv2d({ out: 6, kernel: 5 }), relu, maxPool2d(2), flatten, dense(10));
 */
export function serial<const L extends Chain>(
  ...layers: L
): Layer<SerialParams<L>, SerialState<L>, InOf<L[0]>, OutOf<Last<L>>> {
  if (layers.length === 0) throw new Error('serial: needs at least one layer');
  layers.forEach((l, i) => {
    checkLayer('serial', `layers[${i}]`, l);
  });
  const entries: Entry[] = layers.map((l, i) => [String(i), l]);
  return {
    describe: (inShape) => {
      const info = describeChain('serial', entries, inShape);
      return {
        ...info,
        params: info.children.map((c) => c.info.params),
        state: info.children.map((c) => c.info.state),
      };
    },
    init: (key, inShape, opts) => initChain(entries, key, inShape, opts) as never,
    apply: (params, state, x, ctx) => applyChain(entries, params, state, x, ctx) as never,
    children: entries,
  };
}

const toRecord = (names: readonly string[], values: readonly unknown[]): Record<string, unknown> =>
  Object.fromEntries(names.map((n, i) => [n, values[i]]));

/**
 * Layers in sequence (in the record's order), with params and state as records keyed by your names,
 * e.g. `named({ conv1, bn1, relu, conv2, bn2 })` gives `conv1.weight`, `bn1.running_mean`.
 * @example named({ conv1: conv2d({ out: 8, kernel: 3, padding: 1 }), bn1: batchNorm(), act: relu })
 */
export function named<const R extends Record<string, AnyLayer>>(layers: R): Layer<NamedParams<R>, NamedState<R>> {
  const names = Object.keys(checkOptions('named', 'layers', layers));
  if (names.length === 0) throw new Error('named: needs at least one layer');
  for (const n of names) checkLayer('named', `layers.${n}`, layers[n]);
  const entries: Entry[] = names.map((n) => [n, layers[n]!]);
  return {
    describe: (inShape) => {
      const info = describeChain('named', entries, inShape);
      const params = toRecord(
        names,
        info.children.map((c) => c.info.params),
      ) as ShapeTree;
      return {
        ...info,
        params,
        state: toRecord(
          names,
          info.children.map((c) => c.info.state),
        ) as ShapeTree,
      };
    },
    init: (key, inShape, opts) => {
      const r = initChain(entries, key, inShape, opts);
      return { params: toRecord(names, r.params), state: toRecord(names, r.state), outShape: r.outShape } as never;
    },
    apply: (params, state, x, ctx) => {
      const p = params as Record<string, unknown>;
      const s = state as Record<string, unknown>;
      const r = applyChain(
        entries,
        names.map((n) => p[n]),
        names.map((n) => s[n]),
        x,
        ctx,
      );
      return { y: r.y, state: toRecord(names, r.state) } as never;
    },
    children: entries,
  };
}

/** The i-th input shape of a list input of exactly `n` activations. */
function listOf(type: string, inShape: Shapes, n: number): readonly Shape[] {
  const shapes = list(type, inShape);
  if (shapes.length !== n)
    throw new LayerError([], type, 'input', `has ${shapes.length} activations but there are ${n} branches`);
  return shapes;
}

/**
 * Applies layer i to activation i of a list: `[x₀, x₁, …] ↦ [f₀(x₀), f₁(x₁), …]`. Params and state are
 * arrays. Use after `fanOut(n)`, before `fanInSum` or `fanInConcat`.
 * @example serial(fanOut(2), parallel(conv2d({ out: 4, kernel: 1 }), conv2d({ out: 4, kernel: 3, padding: 1 })), fanInConcat(1))
 */
export function parallel<const L extends readonly Layer<unknown, unknown>[]>(
  ...layers: L
): Layer<SerialParams<L>, SerialState<L>, readonly Tensor[], readonly Tensor[]> {
  if (layers.length === 0) throw new Error('parallel: needs at least one layer');
  layers.forEach((l, i) => {
    checkLayer('parallel', `layers[${i}]`, l);
  });
  const names = layers.map((_, i) => String(i));
  return {
    describe: (inShape) => {
      const shapes = listOf('parallel', inShape, layers.length);
      const children = layers.map((l, i) => ({
        name: names[i]!,
        info: within(names[i]!, () => l.describe(shapes[i]!)),
      }));
      return {
        type: 'parallel',
        outShape: children.map((c) =>
          single('parallel', c.info.outShape, [0, 1, 2, 3, 4, 5, 6], 'one activation per branch'),
        ),
        params: children.map((c) => c.info.params),
        state: children.map((c) => c.info.state),
        flops: children.reduce((a, c) => a + c.info.flops, 0),
        children,
      };
    },
    init: (key, inShape, opts) => {
      const shapes = listOf('parallel', inShape, layers.length);
      const rs = layers.map((l, i) => within(names[i]!, () => l.init(foldIn(key, i), shapes[i]!, opts)));
      return {
        params: rs.map((r) => r.params),
        state: rs.map((r) => r.state),
        outShape: rs.map((r) => r.outShape),
      } as never;
    },
    apply: (params, state, xs, ctx) => {
      if (xs.length !== layers.length)
        throw new LayerError(
          [],
          'parallel',
          'input',
          `has ${xs.length} activations but there are ${layers.length} branches`,
        );
      const rs = layers.map((l, i) => applyChild(names[i]!, i, l, params[i], state[i], xs[i]!, ctx));
      return { y: rs.map((r) => r.y), state: rs.map((r) => r.state) } as never;
    },
    children: layers.map((l, i): Child => [names[i]!, l]),
  };
}

/** More branches than any model uses; a larger `n` is a mistake (and would allocate n shapes). */
const MAX_BRANCHES = 2 ** 16;

/** `x ↦ [x, x, …]` (n copies). */
export function fanOut(n: number): Layer<Empty, Empty, Tensor, readonly Tensor[]> {
  checkInt('fanOut', 'n', n, 1, MAX_BRANCHES);
  const out = (s: Shape) => Array.from({ length: n }, () => s);
  return {
    describe: (inShape) => ({
      type: 'fanOut',
      outShape: out(one('fanOut', inShape)),
      params: EMPTY,
      state: EMPTY,
      flops: 0,
    }),
    init: (_k, inShape) => ({ params: EMPTY, state: EMPTY, outShape: out(one('fanOut', inShape)) }),
    apply: (_p, state, x) => ({ y: Array.from({ length: n }, () => x), state }),
  };
}

/** A list-to-one layer from its shape rule and function. */
function fanIn(
  type: string,
  shape: (shapes: readonly Shape[]) => Shape,
  f: (xs: readonly Tensor[]) => Tensor,
): Layer<Empty, Empty, readonly Tensor[], Tensor> {
  const outShape = (inShape: Shapes): Shape => {
    const shapes = list(type, inShape);
    if (shapes.length === 0) throw new LayerError([], type, 'input', 'is an empty list');
    return shape(shapes);
  };
  return {
    describe: (inShape) => ({ type, outShape: outShape(inShape), params: EMPTY, state: EMPTY, flops: 0 }),
    init: (_k, inShape) => ({ params: EMPTY, state: EMPTY, outShape: outShape(inShape) }),
    apply: (_p, state, xs) => ({ y: f(xs), state }),
  };
}

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** `[x₀, x₁, …] ↦ x₀ + x₁ + …` (all the same shape). */
export const fanInSum: Layer<Empty, Empty, readonly Tensor[], Tensor> = fanIn(
  'fanInSum',
  (shapes) => {
    shapes.forEach((s, i) => {
      if (!sameShape(s, shapes[0]!))
        throw new LayerError([], 'fanInSum', `input ${i}`, `has shape ${fmt(s)} but input 0 has ${fmt(shapes[0]!)}`);
    });
    return shapes[0]!;
  },
  (xs) => xs.reduce((a, b) => add(a, b)),
);

/**
 * Concatenates a list along `axis` of the batched tensors (default 1, the channels of NCHW; axis 0 is
 * the batch and is refused; negative counts from the end).
 */
export function fanInConcat(axis = 1): Layer<Empty, Empty, readonly Tensor[], Tensor> {
  checkInt('fanInConcat', 'axis', axis);
  return fanIn(
    'fanInConcat',
    (shapes) => {
      const rank = shapes[0]!.length + 1;
      const ax = axis < 0 ? axis + rank : axis;
      if (!Number.isInteger(axis) || ax < 1 || ax >= rank)
        throw new LayerError([], 'fanInConcat', 'axis', `${axis} must be a non-batch axis of rank-${rank} inputs`);
      shapes.forEach((s, i) => {
        if (s.length !== rank - 1 || s.some((d, j) => j !== ax - 1 && d !== shapes[0]![j])) {
          throw new LayerError(
            [],
            'fanInConcat',
            `input ${i}`,
            `has shape ${fmt(s)}, which does not match input 0's ${fmt(shapes[0]!)} off axis ${axis}`,
          );
        }
      });
      return shapes[0]!.map((d, j) => (j === ax - 1 ? shapes.reduce((a, s) => a + s[j]!, 0) : d));
    },
    (xs) => concat(xs, axis),
  );
}
