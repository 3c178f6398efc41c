/** @file summary: a model's layer table (paths, output shapes, parameter counts, FLOPs) from `describe` alone. */
import { fmt, type Shape } from '@tapenet/autodiff';
import { isShapeList, sizeOf } from './internal.js';
import type { Acts, Layer, LayerInfo, ShapeOf, ShapeTree } from './types.js';

/** One row of a summary: a layer at a dotted path (the prefix of its params' `treePaths`). */
export type SummaryRow = {
  readonly path: string;
  readonly depth: number;
  readonly type: string;
  readonly outShape: Shape | readonly Shape[];
  /** Parameters of this layer and everything inside it. */
  readonly params: number;
  /** State elements (running statistics, counters) of this layer and everything inside it. */
  readonly state: number;
  readonly flops: number;
};

export type Summary = {
  readonly inShape: Shape | readonly Shape[];
  readonly outShape: Shape | readonly Shape[];
  readonly rows: readonly SummaryRow[];
  /** Trainable parameters (every params leaf), state elements, forward FLOPs per example. */
  readonly totals: { readonly params: number; readonly state: number; readonly flops: number };
  /** The rows and totals as an aligned text table. */
  readonly table: string;
};

const isShape = (t: ShapeTree): t is Shape => Array.isArray(t) && t.every((d) => typeof d === 'number');

/** The shapes in a shape tree, in the order `treePaths` visits tensors (object keys sorted). */
export function shapeLeaves(tree: ShapeTree): Shape[] {
  if (isShape(tree)) return [tree];
  if (Array.isArray(tree)) return (tree as readonly ShapeTree[]).flatMap(shapeLeaves);
  const rec = tree as { readonly [key: string]: ShapeTree };
  return Object.keys(rec)
    .sort()
    .flatMap((k) => shapeLeaves(rec[k]!));
}

/** Number of elements in all the shapes of a tree (a `[]` shape counts 1). */
export const countOf = (tree: ShapeTree): number => shapeLeaves(tree).reduce((a, s) => a + sizeOf(s), 0);

const showShape = (s: Shape | readonly Shape[]): string => (isShapeList(s) ? `[${s.map(fmt).join(', ')}]` : fmt(s));

/** Integers with thousands separators: 61706 → "61,706". */
const num = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function rowsOf(info: LayerInfo, prefix: string, depth: number): SummaryRow[] {
  return (info.children ?? []).flatMap(({ name, info: child }) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const row: SummaryRow = {
      path,
      depth,
      type: child.type,
      outShape: child.outShape,
      params: countOf(child.params),
      state: countOf(child.state),
      flops: child.flops,
    };
    return [row, ...rowsOf(child, path, depth + 1)];
  });
}

function format(inShape: Shape | readonly Shape[], rows: readonly SummaryRow[], totals: Summary['totals']): string {
  const head = ['Layer', 'Type', 'Output shape', 'Params', 'FLOPs'];
  const body = rows.map((r) => [
    `${'  '.repeat(r.depth)}${r.path}`,
    r.type,
    showShape(r.outShape),
    num(r.params),
    num(r.flops),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, j) => (j >= 3 ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  return [
    `Input: ${showShape(inShape)}`,
    rule,
    line(head),
    rule,
    ...body.map(line),
    rule,
    `Trainable params: ${num(totals.params)}`,
    `State elements: ${num(totals.state)}`,
    `Forward FLOPs per example: ${num(totals.flops)}`,
  ].join('\n');
}

/**
 * Summarises `model` for per-example input `inShape` by shape inference only (no tensors are made):
 * one row per layer (nested layers indented, paths as in the params' `treePaths`), totals, and a table.
 * Throws the same `ShapeError` as `describe` for an invalid model, naming the layer's path.
 * @example console.log(summary(lenet5, [1, 28, 28]).table)
 */
export function summary<P, S, I extends Acts, O extends Acts>(model: Layer<P, S, I, O>, inShape: ShapeOf<I>): Summary {
  const info = model.describe(inShape);
  const rows =
    info.children === undefined
      ? [
          {
            path: info.type,
            depth: 0,
            type: info.type,
            outShape: info.outShape,
            params: countOf(info.params),
            state: countOf(info.state),
            flops: info.flops,
          },
        ]
      : rowsOf(info, '', 0);
  const totals = { params: countOf(info.params), state: countOf(info.state), flops: info.flops };
  return { inShape, outShape: info.outShape, rows, totals, table: format(inShape, rows, totals) };
}
