/**
 * @file Pytrees: nested plain arrays and plain objects whose leaves are tensors (or any other value).
 * Object keys are visited in sorted order, so two trees with the same keys flatten the same way however
 * they were built. Everything that is not a plain array or plain object is a leaf.
 */
import { Tensor } from './tensor.js';

/** A nested structure of arrays and records with leaves of type L. */
export type Tree<L> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> };

/** The same structure as T with every Tensor leaf replaced by `To` and every other leaf by `Other`. */
export type MapTensors<T, To, Other = null> = T extends Tensor
  ? To
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: MapTensors<T[K], To, Other> }
    : T extends { readonly [key: string]: unknown }
      ? { -readonly [K in keyof T]: MapTensors<T[K], To, Other> }
      : Other;

/** Gradients mirror the params: a Tensor for every tensor leaf, null for other leaves. */
export type Grads<T> = MapTensors<T, Tensor>;

const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/** Whether `x` is a leaf (not a plain array or plain object). */
export const isLeaf = (x: unknown): boolean => !Array.isArray(x) && !isPlainObject(x);

/** The structure of a tree without its leaves, enough to rebuild it. */
export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'array'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

/** Leaves in a fixed order (depth first, object keys sorted) with the structure needed to rebuild. */
export function treeFlatten(tree: unknown): { leaves: unknown[]; def: TreeDef } {
  const leaves: unknown[] = [];
  const walk = (x: unknown): TreeDef => {
    if (Array.isArray(x)) return { kind: 'array', children: x.map(walk) };
    if (isPlainObject(x)) {
      const keys = Object.keys(x).sort();
      return { kind: 'object', keys, children: keys.map((k) => walk(x[k])) };
    }
    leaves.push(x);
    return { kind: 'leaf' };
  };
  return { leaves, def: walk(tree) };
}

/** Rebuilds a tree of structure `def` from `leaves` (in `treeFlatten` order). */
export function treeUnflatten(def: TreeDef, leaves: readonly unknown[]): unknown {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf':
        if (i >= leaves.length) throw new Error(`treeUnflatten: the structure needs more than ${leaves.length} leaves`);
        return leaves[i++];
      case 'array':
        return d.children.map(build);
      case 'object':
        return Object.fromEntries(d.keys.map((k, j) => [k, build(d.children[j]!)]));
    }
  };
  const out = build(def);
  if (i !== leaves.length) throw new Error(`treeUnflatten: ${leaves.length} leaves given but the structure has ${i}`);
  return out;
}

/** The leaves of a tree in flatten order. */
export const treeLeaves = (tree: unknown): unknown[] => treeFlatten(tree).leaves;

/** The tensor leaves of a tree in flatten order. */
export const treeTensors = (tree: unknown): Tensor[] =>
  treeLeaves(tree).filter((x): x is Tensor => x instanceof Tensor);

const sameDef = (a: TreeDef, b: TreeDef): boolean =>
  a.kind === b.kind &&
  (a.kind === 'leaf' ||
    (a.children.length === (b as typeof a).children.length &&
      (a.kind !== 'object' || a.keys.every((k, i) => k === (b as typeof a).keys[i])) &&
      a.children.every((c, i) => sameDef(c, (b as typeof a).children[i]!))));

/**
 * Applies `f` to corresponding leaves of one or more trees of identical structure.
 * @example treeMap((p, g) => sub(p, mul(g, 0.1)), params, grads)
 */
export function treeMap<T>(f: (...leaves: never[]) => unknown, tree: T, ...rest: readonly unknown[]): T;
export function treeMap(f: (...leaves: never[]) => unknown, tree: unknown, ...rest: readonly unknown[]): unknown {
  const apply = f as (...leaves: unknown[]) => unknown;
  const { leaves, def } = treeFlatten(tree);
  const others = rest.map((r, k) => {
    const flat = treeFlatten(r);
    if (!sameDef(def, flat.def)) throw new Error(`treeMap: tree ${k + 1} does not have the structure of tree 0`);
    return flat.leaves;
  });
  return treeUnflatten(
    def,
    leaves.map((leaf, i) => apply(leaf, ...others.map((o) => o[i]))),
  );
}

/** Pairs up the leaves of two trees of identical structure. */
export const treeZip = <A, B>(a: A, b: B): unknown => treeMap((x: unknown, y: unknown) => [x, y], a, b);

/**
 * Leaves with their dotted paths, e.g. `layer1.0.conv1.weight` (array indices and keys joined by '.'),
 * the naming used for checkpoints.
 */
export function treePaths(tree: unknown, prefix = ''): [string, unknown][] {
  const join = (k: string): string => (prefix === '' ? k : `${prefix}.${k}`);
  if (Array.isArray(tree)) return tree.flatMap((x, i) => treePaths(x, join(String(i))));
  if (isPlainObject(tree))
    return Object.keys(tree)
      .sort()
      .flatMap((k) => treePaths(tree[k], join(k)));
  return [[prefix, tree]];
}
