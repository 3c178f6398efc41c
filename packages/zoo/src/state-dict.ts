/**
 * @file The `state_dict` of a model by shape inference: every parameter and state key (torchvision's
 * names) with its shape, from `describe` alone, so the keys and sizes of the big models can be checked
 * and a checkpoint matched by name without allocating a single weight.
 */
import type { Shape } from '@tapenet/autodiff';
import type { Layer, ShapeTree } from '@tapenet/layers';

/** One entry of a state dict: its key, shape, and whether it is a trainable parameter or state (a buffer). */
export type StateDictEntry = { readonly key: string; readonly shape: Shape; readonly kind: 'param' | 'state' };

const isShape = (t: ShapeTree): t is Shape => Array.isArray(t) && t.every((d) => typeof d === 'number');

/** The dotted paths and shapes of a shape tree, in `treePaths` order (object keys sorted). */
export function shapePaths(tree: ShapeTree, prefix = ''): [string, Shape][] {
  if (isShape(tree)) return [[prefix, tree]];
  const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  if (Array.isArray(tree)) return (tree as readonly ShapeTree[]).flatMap((t, i) => shapePaths(t, join(String(i))));
  const rec = tree as { readonly [key: string]: ShapeTree };
  return Object.keys(rec)
    .sort()
    .flatMap((k) => shapePaths(rec[k]!, join(k)));
}

/**
 * The keys and shapes `init` would produce for per-example input `inShape` (params first, then state),
 * without allocating: `stateDictShapes(resnet({ depth: 18 }), [3, 224, 224])` lists `conv1.weight [64, 3, 7, 7]`,
 * `bn1.running_mean [64]`, …, `fc.bias [1000]`, as torchvision's `state_dict()`.
 */
export function stateDictShapes<P, S>(model: Layer<P, S>, inShape: Shape): StateDictEntry[] {
  const info = model.describe(inShape);
  return [
    ...shapePaths(info.params).map(([key, shape]) => ({ key, shape, kind: 'param' as const })),
    ...shapePaths(info.state).map(([key, shape]) => ({ key, shape, kind: 'state' as const })),
  ];
}
