/** @file residual: `y = act(main(x) + shortcut(x))`, with params named as torchvision's blocks. */
import { add, checkOptions, describeValue, fmt, foldIn, type Shape, type Tensor } from '@tapenet/autodiff';
import { applyChild, checkLayer, childCtx, EMPTY, isShapeList, LayerError, untapped, within } from './internal.js';
import type { Child, ChildInfo, Layer, LayerInfo, ShapeTree } from './types.js';

type Rec = { readonly [key: string]: unknown };

export type ResidualOptions<N extends string> = {
  /** Key of the shortcut's params and state (default 'downsample', as torchvision's ResNet blocks). */
  readonly shortcutName?: N;
  /** A parameterless layer applied after the sum (e.g. relu, as in ResNet's BasicBlock). */
  readonly activation?: Layer;
};

const isRecord = (t: unknown): t is Rec => typeof t === 'object' && t !== null && !Array.isArray(t);

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * A residual block: `y = activation(main(x) + (shortcut ? shortcut(x) : x))`. `main`'s params must be
 * a record (build it with `named`); the block's params are main's record plus
 * `{ [shortcutName]: shortcutParams }`, so a torchvision BasicBlock gives `conv1.weight`, `bn1.weight`, …,
 * `downsample.0.weight`, `downsample.1.running_mean`. Main gets `foldIn(key, 0)`, the shortcut `foldIn(key, 1)`.
 * Its `children` are main's children (their paths are the block's own, as their params) and the shortcut.
 * @example
 * residual(named({ conv1: conv2d({ out: 8, kernel: 3, stride: 2, padding: 1, bias: false }), bn1: batchNorm() }),
 *   serial(conv2d({ out: 8, kernel: 1, stride: 2, bias: false }), batchNorm()), { activation: relu })
 */
export function residual<P extends Rec, S extends Rec>(
  main: Layer<P, S>,
  shortcut?: undefined,
  opts?: ResidualOptions<string>,
): Layer<P, S>;
export function residual<P extends Rec, S extends Rec, SP, SS, const N extends string = 'downsample'>(
  main: Layer<P, S>,
  shortcut: Layer<SP, SS>,
  opts?: ResidualOptions<N>,
): Layer<P & { readonly [K in N]: SP }, S & { readonly [K in N]: SS }>;
export function residual(
  main: Layer<Rec, Rec>,
  shortcut?: Layer<unknown, unknown>,
  options?: ResidualOptions<string>,
): Layer<Rec, Rec> {
  checkLayer('residual', 'main', main);
  if (shortcut !== undefined) checkLayer('residual', 'shortcut', shortcut);
  const opts = checkOptions('residual', 'opts', options);
  if (opts.activation !== undefined) checkLayer('residual', 'activation', opts.activation);
  const name = opts.shortcutName ?? 'downsample';
  if (typeof name !== 'string' || name === '')
    throw new LayerError([], 'residual', 'shortcutName', `must be a non-empty string; got ${describeValue(name)}`);
  const act = opts.activation;
  const merge = (m: unknown, s: unknown, what: string): Rec => {
    if (!isRecord(m))
      throw new LayerError([], 'residual', 'main', `has ${what} that are not a record; build it with named({...})`);
    if (shortcut === undefined) return m;
    if (name in m) throw new LayerError([], 'residual', 'shortcutName', `'${name}' is already a key of main's ${what}`);
    return { ...m, [name]: s };
  };
  const describe = (inShape: Shape | readonly Shape[]): LayerInfo => {
    if (isShapeList(inShape)) throw new LayerError([], 'residual', 'input', 'is a list; expected one activation');
    const m = within('main', () => main.describe(inShape));
    const s = shortcut === undefined ? undefined : within(name, () => shortcut.describe(inShape));
    const mainOut = m.outShape as Shape;
    const skipOut = (s?.outShape ?? inShape) as Shape;
    if (!sameShape(mainOut, skipOut)) {
      throw new LayerError(
        [],
        'residual',
        'main',
        `outputs ${fmt(mainOut)} but the ${s ? 'shortcut' : 'identity shortcut'} gives ${fmt(skipOut)}; add a projection shortcut`,
      );
    }
    if (act !== undefined) within('activation', () => act.describe(mainOut));
    const children: ChildInfo[] = [...(m.children ?? [{ name: 'main', info: m }]), ...(s ? [{ name, info: s }] : [])];
    return {
      type: 'residual',
      outShape: mainOut,
      params: merge(m.params, s?.params, 'params') as ShapeTree,
      state: merge(m.state, s?.state, 'state') as ShapeTree,
      flops: m.flops + (s?.flops ?? 0),
      children,
    };
  };
  // main's children sit at the block's level, as their params do; a main without children is 'main'
  const flat = main.children !== undefined;
  const children: Child[] = [
    ...(main.children ?? [['main', main] as const]),
    ...(shortcut ? [[name, shortcut] as const] : []),
  ];
  const split = (t: Rec): { m: Rec; s: unknown } => {
    if (shortcut === undefined) return { m: t, s: undefined };
    const { [name]: s, ...m } = t;
    return { m, s };
  };
  return {
    describe,
    init: (key, inShape, o) => {
      const info = describe(inShape);
      const m = main.init(foldIn(key, 0), inShape, o);
      const s = shortcut?.init(foldIn(key, 1), inShape, o);
      return {
        params: merge(m.params, s?.params, 'params'),
        state: merge(m.state, s?.state, 'state'),
        outShape: info.outShape as Shape,
      };
    },
    apply: (params, state, x, ctx) => {
      const p = split(params);
      const st = split(state);
      const m = flat
        ? within('main', () => main.apply(p.m, st.m, x, childCtx(ctx, 0)))
        : applyChild('main', 0, main, p.m, st.m, x, ctx);
      const s = shortcut === undefined ? undefined : applyChild(name, 1, shortcut, p.s, st.s, x, ctx);
      const sum = add(m.y as Tensor, (s?.y as Tensor | undefined) ?? x);
      const y: Tensor = act === undefined ? sum : act.apply(EMPTY, EMPTY, sum, untapped(ctx)).y;
      return { y, state: merge(m.state, s?.state, 'state') };
    },
    children,
  };
}
