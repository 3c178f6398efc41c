/** @file Helpers shared by the layers tests (not part of the package). */
import { type Key, random, type Shape, type Tensor, treePaths } from '@tapenet/autodiff';
import type { Acts } from '../src/index.js';

/** A float64 standard-normal batch for a per-example shape (or a list of them). */
export function inputFor(k: Key, inShape: Shape | readonly Shape[], batch: number): Acts {
  const isList = inShape.length > 0 && typeof inShape[0] !== 'number';
  if (!isList) return random.normal(k, [batch, ...(inShape as Shape)], 0, 1, { dtype: 'float64' });
  return (inShape as readonly Shape[]).map((s, i) =>
    random.normal(random.foldIn(k, i), [batch, ...s], 0, 1, { dtype: 'float64' }),
  );
}

/** Tensors of an activation as a list. */
export const tensorsOf = (a: Acts): Tensor[] => (Array.isArray(a) ? [...a] : [a as Tensor]);

/** `[path, shape]` for every tensor leaf. */
export const shapesOf = (tree: unknown): [string, readonly number[]][] =>
  treePaths(tree).flatMap(([p, t]) =>
    t !== null && typeof t === 'object' && 'shape' in t
      ? [[p, (t as Tensor).shape] as [string, readonly number[]]]
      : [],
  );

/** `[path, values]` for every tensor leaf. */
export const valuesOf = (tree: unknown): [string, number[]][] =>
  treePaths(tree).flatMap(([p, t]) =>
    t !== null && typeof t === 'object' && 'data' in t
      ? [[p, Array.from((t as Tensor).data())] as [string, number[]]]
      : [],
  );

/** Nested arrays rounded to `digits` decimals, for readable exact comparisons. */
export const rounded = (x: Tensor, digits = 6): unknown => {
  const r = (v: unknown): unknown => (Array.isArray(v) ? v.map(r) : Number((v as number).toFixed(digits)));
  return r(x.toArray());
};
