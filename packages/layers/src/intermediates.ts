/**
 * @file Intermediate activations of any layer by dotted path (`conv1`, `layer1.0`, `layer1.0.conv1`,
 * `features.3`: the same paths as the params). The model runs its own `apply` with a `Tap` in the
 * context, through which every combinator reports its children's outputs, so the activations are
 * exactly those of `apply` (same keys `foldIn(ctx.key, i)`, same state, same error paths).
 */
import { fmt, isTensor, type Tensor } from '@tapenet/autodiff';
import type { Acts, Ctx, Layer } from './types.js';

/** Options of {@link intermediates}. */
export type IntermediatesOptions = {
  /** Stop right after the layer at this path has run (the later layers are not computed). */
  readonly until?: string;
};

/**
 * Every path of a layer's children, recursively, in the order `apply` computes them (a combinator's
 * children before the combinator): `['conv1', ..., 'layer1.0.conv1', ..., 'layer1.0', ..., 'layer1', ...]`.
 * Empty for a leaf layer. Reads only the layers' `children`; allocates no tensors.
 * @example layerPaths(named({ conv: conv2d({ out: 4, kernel: 3 }), act: relu })) // ['conv', 'act']
 */
export function layerPaths(layer: Pick<Layer<unknown, unknown, Acts, Acts>, 'children'>): string[] {
  const out: string[] = [];
  const walk = (l: Pick<Layer<unknown, unknown, Acts, Acts>, 'children'>, prefix: string): void => {
    for (const [name, child] of l.children ?? []) {
      walk(child, `${prefix}${name}.`);
      out.push(`${prefix}${name}`);
    }
  };
  walk(layer, '');
  return out;
}

/** Thrown by the tap to stop the forward pass once `until` has run; never leaves `intermediates`. */
class Stop {}

const available = (paths: readonly string[]): string =>
  paths.length === 0 ? 'none: the layer has no children' : paths.join(', ');

/**
 * Runs `layer.apply(params, state, x, ctx)` and returns the output of every child of every combinator
 * inside it, keyed by dotted path in the order they were computed (the keys of `layerPaths(layer)`,
 * up to `until` when given). The values are exactly those `apply` computes, and differentiable.
 * Throws a `RangeError` listing the available paths when `until` is not one of them.
 * @example
 * const acts = intermediates(resnet18, params, state, x, { train: false }, { until: 'layer1.0.conv1' });
 * acts.get('layer1.0.conv1') // [N, 64, 56, 56]
 */
export function intermediates<P, S, I extends Acts, O extends Acts>(
  layer: Layer<P, S, I, O>,
  params: P,
  state: S,
  x: I,
  ctx: Ctx,
  options: IntermediatesOptions = {},
): ReadonlyMap<string, Acts> {
  const { until } = options;
  if (until !== undefined) {
    const paths = layerPaths(layer);
    if (!paths.includes(until))
      throw new RangeError(`intermediates: no layer '${until}' in this model; its paths are ${available(paths)}`);
  }
  const acts = new Map<string, Acts>();
  const outer = ctx.tap;
  const tap = (path: string, y: Acts): void => {
    outer?.(path, y);
    acts.set(path, y);
    if (path === until) throw new Stop();
  };
  try {
    layer.apply(params, state, x, { ...ctx, tap });
  } catch (e) {
    if (e instanceof Stop) return acts;
    throw e;
  }
  if (until !== undefined) {
    throw new Error(
      `intermediates: '${until}' is one of the model's children but its output was never reported; does a wrapper around a combinator pass on a new ctx?`,
    );
  }
  return acts;
}

/**
 * The output of the layer at `path` inside `layer` for input `x` (running only the layers up to it);
 * exactly what `apply` computes there, and differentiable (use it inside `grad` for activation
 * maximisation). Throws a `RangeError` listing the paths for an unknown one, and a `TypeError` when the
 * activation there is a list (use `intermediates` for those).
 * @example forwardTo(lenet5(), params, state, digit, 'conv2') // [1, 16, 10, 10]
 */
export function forwardTo<P, S, I extends Acts, O extends Acts>(
  layer: Layer<P, S, I, O>,
  params: P,
  state: S,
  x: I,
  path: string,
  ctx: Ctx = { train: false },
): Tensor {
  const y = intermediates(layer, params, state, x, ctx, { until: path }).get(path)!;
  if (!isTensor(y))
    throw new TypeError(
      `forwardTo: '${path}' gives a list of ${y.length} activations (${y.map((t) => fmt(t.shape)).join(', ')}); use intermediates`,
    );
  return y;
}
