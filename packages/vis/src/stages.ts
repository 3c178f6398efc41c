/**
 * @file Intermediate activations of a model made of named stages. A `named({ conv1, relu1, ... })` or
 * `serial(...)` layer is opaque once built, so these helpers take the same stages you built it from (a
 * record or a list) and run them one by one with the model's own params and state, exactly as the
 * combinator does (child i gets `foldIn(ctx.key, i)`).
 */
import { foldIn, isTensor, type Tensor } from '@tapenet/autodiff';
import type { AnyLayer, Ctx } from '@tapenet/layers';

/** The stages a model was built from: a record (as given to `named`) or a list (as given to `serial`). */
export type Stages = { readonly [name: string]: AnyLayer } | readonly AnyLayer[];

/** The stage names in order: the record's keys, or `'0'`, `'1'`, ... for a list. */
export const stageNames = (stages: Stages): string[] =>
  Array.isArray(stages) ? stages.map((_, i) => String(i)) : Object.keys(stages);

const entry = (tree: unknown, name: string, i: number, list: boolean): unknown =>
  list ? (tree as readonly unknown[])[i] : (tree as Record<string, unknown>)[name];

/**
 * Runs the stages in order on `x` and calls `visit(name, y)` with each stage's output; stops after the
 * stage named `until` (all stages when omitted). Returns the last output.
 */
function run(
  fn: string,
  stages: Stages,
  params: unknown,
  state: unknown,
  x: Tensor,
  ctx: Ctx,
  until: string | undefined,
  visit: (name: string, y: Tensor) => void,
): Tensor {
  const names = stageNames(stages);
  if (until !== undefined && !names.includes(until)) {
    throw new RangeError(`${fn}: layer '${until}' is not a stage of this model; stages are ${names.join(', ')}`);
  }
  const list = Array.isArray(stages);
  if (typeof params !== 'object' || params === null || typeof state !== 'object' || state === null) {
    throw new TypeError(`${fn}: params and state must be the model's trees (a ${list ? 'list' : 'record'} per stage)`);
  }
  let y: Tensor = x;
  for (const [i, name] of names.entries()) {
    const layer = (list ? (stages as readonly AnyLayer[])[i] : (stages as Record<string, AnyLayer>)[name])!;
    const p = entry(params, name, i, list);
    const s = entry(state, name, i, list);
    if (p === undefined || s === undefined) {
      throw new RangeError(`${fn}: params or state has no entry '${name}'; do they belong to this model?`);
    }
    const childCtx: Ctx = ctx.key === undefined ? { train: ctx.train } : { train: ctx.train, key: foldIn(ctx.key, i) };
    const out = layer.apply(p, s, y, childCtx).y;
    if (!isTensor(out))
      throw new TypeError(`${fn}: stage '${name}' returned a list; only single-tensor chains are supported`);
    y = out;
    visit(name, y);
    if (name === until) break;
  }
  return y;
}

/**
 * The output of stage `name` for input `x` (`[N, ...]`), running only the stages up to it.
 * Differentiable: use it inside `grad` for activation maximisation.
 * @example const maps = forwardTo(stages, params, state, digit, 'conv1') // [1, 6, 28, 28]
 */
export function forwardTo(
  stages: Stages,
  params: unknown,
  state: unknown,
  x: Tensor,
  name: string,
  ctx: Ctx = { train: false },
): Tensor {
  return run('forwardTo', stages, params, state, x, ctx, name, () => {});
}

/**
 * Every stage's output for input `x`, in order: `[{ name: 'conv1', y }, { name: 'relu1', y }, ...]`.
 */
export function activations(
  stages: Stages,
  params: unknown,
  state: unknown,
  x: Tensor,
  ctx: Ctx = { train: false },
): { readonly name: string; readonly y: Tensor }[] {
  const out: { name: string; y: Tensor }[] = [];
  run('activations', stages, params, state, x, ctx, undefined, (name, y) => out.push({ name, y }));
  return out;
}
