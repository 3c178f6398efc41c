/** @file Argument checks of `exportOnnx`: a layer, an input shape, and params/state that fit them. */
import { fmt, isTensor, type Shape, treePaths } from '@tapenet/autodiff';
import type { AnyLayer, LayerInfo, ShapeTree } from '@tapenet/layers';
import { OnnxExportError } from './errors.js';

/** Throws unless `model` looks like a `@tapenet/layers` layer. */
export function checkLayer(model: unknown): asserts model is AnyLayer {
  const m = model as Partial<AnyLayer> | null;
  if (m === null || typeof m !== 'object' || typeof m.apply !== 'function' || typeof m.describe !== 'function') {
    const what = m === null ? 'null' : Array.isArray(m) ? 'an array' : typeof m;
    throw new OnnxExportError(`model: expected a @tapenet/layers layer ({ describe, init, apply }), got ${what}`);
  }
}

/** Throws unless `inShape` is a per-example shape: a list of positive integers. */
export function checkInShape(inShape: unknown): asserts inShape is Shape {
  if (!Array.isArray(inShape) || inShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new OnnxExportError(
      `inShape: expected the per-example input shape (positive integers, no batch dim), e.g. [3, 32, 32]; got ${JSON.stringify(inShape)}`,
    );
  }
}

/** The model's shape inference for `inShape`, its errors rethrown naming `inShape`. */
export function describeFor(model: AnyLayer, inShape: Shape): LayerInfo {
  try {
    return model.describe(inShape);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new OnnxExportError(`inShape ${fmt(inShape)} does not fit the model: ${why}`, { cause: e });
  }
}

const isShape = (t: ShapeTree): t is Shape => Array.isArray(t) && t.every((d) => typeof d === 'number');

/** The dotted paths and shapes of a shape tree, in `treePaths` order. */
function shapePaths(tree: ShapeTree, prefix = ''): [string, Shape][] {
  if (isShape(tree)) return [[prefix, tree]];
  const join = (k: string): string => (prefix === '' ? k : `${prefix}.${k}`);
  if (Array.isArray(tree)) return (tree as readonly ShapeTree[]).flatMap((t, i) => shapePaths(t, join(String(i))));
  const rec = tree as { readonly [key: string]: ShapeTree };
  return Object.keys(rec)
    .sort()
    .flatMap((k) => shapePaths(rec[k]!, join(k)));
}

/**
 * Throws unless `tree` (the params or the state) has exactly the tensors, paths and shapes that the
 * model's `describe` promises for this input shape, naming the first path that differs.
 */
export function checkTree(what: 'params' | 'state', expected: ShapeTree, tree: unknown, inShape: Shape): void {
  const want = new Map(shapePaths(expected));
  const got = treePaths(tree);
  for (const [path, leaf] of got) {
    const shape = want.get(path);
    const at = path === '' ? what : `${what} '${path}'`;
    if (!isTensor(leaf))
      throw new OnnxExportError(`${at}: expected a tensor, got ${leaf === null ? 'null' : typeof leaf}`);
    if (shape === undefined) {
      throw new OnnxExportError(
        `${at}: the model has no such ${what === 'params' ? 'parameter' : 'state entry'} (expected ${[...want.keys()].join(', ') || 'none'})`,
      );
    }
    if (shape.length !== leaf.shape.length || shape.some((d, i) => d !== leaf.shape[i])) {
      throw new OnnxExportError(
        `${at} has shape ${fmt(leaf.shape)}; the model expects ${fmt(shape)} for input ${fmt(inShape)}`,
      );
    }
    want.delete(path);
  }
  const missing = [...want.keys()];
  if (missing.length > 0) {
    throw new OnnxExportError(`${what}: missing ${missing.map((p) => `'${p}'`).join(', ')} (from the model's init)`);
  }
}
