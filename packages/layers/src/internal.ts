/** @file Helpers shared by the layer files: errors, shape arithmetic, contexts, parameterless layers. */
import {
  checkFunction,
  checkOptions,
  describeValue,
  fmt,
  foldIn,
  ShapeError,
  type Shape,
  type Tensor,
} from '@tapenet/autodiff';
import type { Acts, AnyLayer, Applied, Ctx, Empty, Layer, LayerInfo, ShapeOf } from './types.js';

/** The params and state of a parameterless layer. */
export const EMPTY: Empty = Object.freeze({});

/** A `ShapeError` naming the layer: `conv2d: inShape [3, 4, 4] ...`. */
export const layerError = (layer: string, arg: string, detail: string): ShapeError =>
  new ShapeError(layer, arg, detail);

export type Pair = readonly [number, number];

/** `v` as a pair `[h, w]`. */
export const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v);

/** A layer's config object (required: `layer({ ... })`), validated as an object. */
export function checkConfig<C extends object>(layer: string, c: C): C {
  if (c === undefined) throw layerError(layer, 'config', 'must be an object; got undefined');
  return checkOptions(layer, 'config', c);
}

/** `v` if it is a layer: an object with `describe`, `init` and `apply` functions. */
export function checkLayer<L>(layer: string, arg: string, v: L): L {
  const l = v as { describe?: unknown; init?: unknown; apply?: unknown } | null;
  if (typeof l !== 'object' || l === null || [l.describe, l.init, l.apply].some((f) => typeof f !== 'function'))
    throw layerError(layer, arg, `must be a layer { describe, init, apply }; got ${describeValue(v)}`);
  return v;
}

/** A `{ weight?, bias? }` record of initialisers (functions). */
export function checkInit(layer: string, init: unknown): void {
  const o = checkOptions(layer, 'init', init as object | undefined) as { weight?: unknown; bias?: unknown };
  if (o.weight !== undefined) checkFunction(layer, 'init.weight', o.weight);
  if (o.bias !== undefined) checkFunction(layer, 'init.bias', o.bias);
}

/** Number of elements of a shape. */
export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Whether an activation shape is a list of shapes (rather than one shape). */
export const isShapeList = (s: Shape | readonly Shape[]): s is readonly Shape[] =>
  s.length > 0 && typeof s[0] !== 'number';

/** Narrows an activation shape to one shape of one of the given ranks, or throws. */
export function single(
  layer: string,
  inShape: Shape | readonly Shape[],
  ranks: readonly number[] | 'any',
  expected: string,
): Shape {
  if (isShapeList(inShape))
    throw layerError(layer, 'input', `is a list of ${inShape.length} activations; expected ${expected}`);
  if (ranks !== 'any' && !ranks.includes(inShape.length)) {
    throw layerError(
      layer,
      'inShape',
      `${fmt(inShape)} has rank ${inShape.length}; expected ${expected} (batch dim excluded)`,
    );
  }
  return inShape;
}

/** Narrows an activation shape to one shape of any rank, or throws. */
export const one = (layer: string, inShape: Shape | readonly Shape[]): Shape =>
  single(layer, inShape, 'any', 'one activation');

/** The shapes of a list input, or throws. */
export function list(layer: string, inShape: Shape | readonly Shape[]): readonly Shape[] {
  if (!isShapeList(inShape))
    throw layerError(layer, 'input', `is one activation ${fmt(inShape)}; expected a list (use fanOut or parallel)`);
  return inShape;
}

/** Output size of a sliding window: `⌊(n + padTotal − dilation·(k − 1) − 1)/stride⌋ + 1`. */
export const windowOut = (n: number, k: number, stride: number, padTotal: number, dilation = 1): number =>
  Math.floor((n + padTotal - dilation * (k - 1) - 1) / stride) + 1;

/**
 * The context handed to child `i`: the same mode, the key folded with `i` (if there is one) and the tap
 * (if there is one) with `name.` prefixed to the paths it reports; without `name` the tap is passed on
 * unchanged (the child's children then count as the parent's own, as `residual`'s main branch).
 */
export function childCtx(ctx: Ctx, i: number, name?: string): Ctx {
  const base: Ctx = ctx.key === undefined ? { train: ctx.train } : { train: ctx.train, key: foldIn(ctx.key, i) };
  const tap = ctx.tap;
  if (tap === undefined) return base;
  return { ...base, tap: name === undefined ? tap : (path, y) => tap(`${name}.${path}`, y) };
}

/** `ctx` without its tap, for a layer that is not one of the children (so it reports nothing). */
export const untapped = (ctx: Ctx): Ctx =>
  ctx.key === undefined ? { train: ctx.train } : { train: ctx.train, key: ctx.key };

/**
 * Runs child `i` of a combinator, named `name`: with `childCtx(ctx, i, name)`, a `ShapeError` re-thrown
 * with the child's path, and its output reported to `ctx.tap` under `name`.
 */
export function applyChild(
  name: string,
  i: number,
  layer: AnyLayer,
  params: unknown,
  state: unknown,
  x: Acts,
  ctx: Ctx,
): Applied<unknown, Acts> {
  const r = within(name, () => layer.apply(params, state, x, childCtx(ctx, i, name)));
  ctx.tap?.(name, r.y);
  return r;
}

/**
 * A `ShapeError` raised inside a combinator, with the path of the layer that failed:
 * `features.3 (conv2d): inShape [16, 2, 2] is too small for kernel 3x3 ...`.
 */
export class LayerError extends ShapeError {
  constructor(
    readonly path: readonly string[],
    readonly layer: string,
    arg: string,
    readonly detail: string,
  ) {
    super(path.length === 0 ? layer : `${path.join('.')} (${layer})`, arg, detail);
  }
}

/** Runs `fn`, re-throwing a `ShapeError` with `name` prepended to its layer path. */
export function within<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LayerError) throw new LayerError([name, ...e.path], e.layer, e.arg, e.detail);
    if (e instanceof ShapeError) {
      const prefix = `${e.op}: ${e.arg} `;
      throw new LayerError(
        [name],
        e.op,
        e.arg,
        e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message,
      );
    }
    throw e;
  }
}

/** The dtype to create parameters in. */
export const dtypeOf = (opts?: { readonly dtype?: 'float32' | 'float64' }): 'float32' | 'float64' =>
  opts?.dtype ?? 'float32';

/**
 * A layer without params or state, from its shape rule and its function. `outShape` receives the
 * per-example input shape and returns the output shape (throwing `ShapeError` when invalid).
 */
export function stateless<I extends Acts = Tensor, O extends Acts = Tensor>(
  type: string,
  outShape: (inShape: ShapeOf<I>) => ShapeOf<O>,
  fn: (x: I, ctx: Ctx) => O,
  flops: (inShape: ShapeOf<I>) => number = () => 0,
): Layer<Empty, Empty, I, O> {
  const describe = (inShape: ShapeOf<I>): LayerInfo => ({
    type,
    outShape: outShape(inShape),
    params: EMPTY,
    state: EMPTY,
    flops: flops(inShape),
  });
  return {
    describe,
    init: (_key, inShape) => ({ params: EMPTY, state: EMPTY, outShape: outShape(inShape) }),
    apply: (_params, state, x, ctx) => ({ y: fn(x, ctx), state }),
  };
}
