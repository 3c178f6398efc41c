/**
 * @file The transformations: vjp, grad, valueAndGrad, jvp, hessianVectorProduct, customVjp.
 * Each differentiated argument leaf gets a fresh alias on a new tape level, so nested transformations
 * never confuse their perturbations (Siskind & Pearlmutter's perturbation confusion).
 */
import { fmt, ShapeError } from './errors.js';
import { add, identity } from './ops/elementwise.js';
import { dot } from './ops/linalg.js';
import { stopGradient } from './ops/stop.js';
import { backward, isRecording, recordOnTapes, withTape } from './tape.js';
import { ones, Tensor, zerosLike } from './tensor.js';
import { checkBoolean, checkFunction, checkInt, checkInts, checkOptions } from './validate.js';
import { type Grads, treeFlatten, treeMap, treeTensors, treeUnflatten } from './tree.js';

const isFloatTensor = (x: unknown): x is Tensor => x instanceof Tensor && x.dtype !== 'int32';

/** Replaces the float tensor leaves of `tree` by fresh aliases, collecting them into `watched`. */
function alias(tree: unknown, watched: Tensor[]): unknown {
  return treeMap((leaf: unknown) => {
    if (!isFloatTensor(leaf)) return leaf;
    const a = identity(leaf);
    watched.push(a);
    return a;
  }, tree);
}

/** Gradient tree for `original` from the cotangents of its aliases (zeros where no path led). */
function gradTree(original: unknown, aliased: unknown, cts: Map<Tensor, Tensor | null>): unknown {
  return treeMap(
    (o: unknown, a: unknown) => {
      if (!(o instanceof Tensor)) return null;
      if (!isFloatTensor(a)) return zerosLike(o);
      return cts.get(a) ?? zerosLike(o);
    },
    original,
    aliased,
  );
}

interface Traced {
  readonly out: unknown;
  readonly aux: unknown;
  /** Cotangent tree for `out` → one gradient tree per primal (null for primals not differentiated). */
  readonly pullback: (cotangent: unknown) => unknown[];
}

function trace(
  f: (...args: never[]) => unknown,
  primals: readonly unknown[],
  argnums: readonly number[],
  hasAux: boolean,
  op: string,
): Traced {
  argnums.forEach((n) => {
    if (!Number.isInteger(n) || n < 0 || n >= primals.length) {
      throw new ShapeError(op, 'argnums', `${n} is out of range for ${primals.length} arguments`);
    }
  });
  const watched: Tensor[] = [];
  const args = primals.map((p, i) => (argnums.includes(i) ? alias(p, watched) : p));
  const { result, tape } = withTape(watched, () => (f as (...a: unknown[]) => unknown)(...args));
  let out = result;
  let aux: unknown;
  if (hasAux) {
    if (!Array.isArray(result) || result.length !== 2)
      throw new ShapeError(op, 'f', 'must return [output, aux] when hasAux is set');
    [out, aux] = result as [unknown, unknown];
  }
  const pullback = (cotangent: unknown): unknown[] => {
    const outs = treeFlatten(out);
    const cots = treeFlatten(cotangent);
    if (outs.leaves.length !== cots.leaves.length) {
      throw new ShapeError(
        op,
        'cotangent',
        `has ${cots.leaves.length} leaves but the output has ${outs.leaves.length}`,
      );
    }
    const ys: Tensor[] = [];
    const gs: Tensor[] = [];
    outs.leaves.forEach((y, i) => {
      const g = cots.leaves[i];
      if (!(y instanceof Tensor) || !(g instanceof Tensor)) return;
      if (g.shape.length !== y.shape.length || g.shape.some((d, j) => d !== y.shape[j])) {
        throw new ShapeError(op, 'cotangent', `has shape ${fmt(g.shape)} but the output has ${fmt(y.shape)}`);
      }
      ys.push(y);
      gs.push(g);
    });
    const grads = backward(tape, ys, gs, watched, add);
    const cts = new Map(watched.map((w, i) => [w, grads[i] ?? null]));
    return primals.map((p, i) => (argnums.includes(i) ? gradTree(p, args[i], cts) : null));
  };
  return { out, aux, pullback };
}

function scalarOutput(op: string, out: unknown): Tensor {
  if (!(out instanceof Tensor) || out.size !== 1 || out.dtype === 'int32') {
    const what = out instanceof Tensor ? `${out.dtype} ${fmt(out.shape)}` : typeof out;
    throw new ShapeError(op, 'f', `must return a float tensor with one element; it returned ${what}`);
  }
  return out;
}

type Fn<A extends readonly unknown[], R> = (...args: A) => R;
type ArgOpts<N> = { readonly argnums: N };
type AuxOpts<N> = { readonly hasAux: true; readonly argnums?: N };
type GradsAt<A extends readonly unknown[], N extends readonly number[]> = { -readonly [I in keyof N]: Grads<A[N[I]]> };

type GradOpts = { readonly argnums?: number | readonly number[]; readonly hasAux?: boolean };

/** Validates `grad(f, opts)` / `valueAndGrad(f, opts)` when the transformation is made, not when it runs. */
function checkGradArgs(op: string, f: unknown, opts: GradOpts | undefined): GradOpts {
  checkFunction(op, 'f', f);
  const o = checkOptions(op, 'opts', opts);
  if (o.argnums !== undefined && typeof o.argnums !== 'number') checkInts(op, 'argnums', o.argnums, 0);
  else checkInt(op, 'argnums', o.argnums ?? 0, 0);
  checkBoolean(op, 'hasAux', o.hasAux ?? false);
  return o;
}

function valueAndGradImpl(
  op: string,
  f: Fn<never[], unknown>,
  opts: { readonly argnums?: number | readonly number[]; readonly hasAux?: boolean },
  args: readonly unknown[],
): [unknown, unknown] {
  const argnums = opts.argnums ?? 0;
  const list = typeof argnums === 'number' ? [argnums] : argnums;
  const { out, aux, pullback } = trace(f, args, list, opts.hasAux ?? false, op);
  const y = scalarOutput(op, out);
  const grads = pullback(ones(y.shape, y.dtype));
  const picked = typeof argnums === 'number' ? grads[argnums] : list.map((n) => grads[n]);
  return [opts.hasAux ? [y, aux] : y, picked];
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), ∇f]` where ∇f mirrors the differentiated argument
 * (argnums, default 0): a tensor for every float tensor leaf, zeros for int32 leaves, null elsewhere.
 * `f` must return a float tensor with one element (or `[that, aux]` with `hasAux: true`).
 * @example const [loss, grads] = valueAndGrad(lossFn)(params, batch);
 */
export function valueAndGrad<A extends readonly unknown[]>(f: Fn<A, Tensor>): Fn<A, [Tensor, Grads<A[0]>]>;
export function valueAndGrad<A extends readonly unknown[], const N extends number>(
  f: Fn<A, Tensor>,
  opts: ArgOpts<N>,
): Fn<A, [Tensor, Grads<A[N]>]>;
export function valueAndGrad<A extends readonly unknown[], const N extends readonly number[]>(
  f: Fn<A, Tensor>,
  opts: ArgOpts<N>,
): Fn<A, [Tensor, GradsAt<A, N>]>;
export function valueAndGrad<A extends readonly unknown[], X, const N extends number = 0>(
  f: Fn<A, readonly [Tensor, X]>,
  opts: AuxOpts<N>,
): Fn<A, [[Tensor, X], Grads<A[N]>]>;
export function valueAndGrad(f: Fn<never[], unknown>, opts?: GradOpts): Fn<readonly unknown[], [unknown, unknown]> {
  const o = checkGradArgs('valueAndGrad', f, opts);
  return (...args) => valueAndGradImpl('valueAndGrad', f, o, args);
}

/**
 * The gradient of a scalar function with respect to argument `argnums` (default 0), as a tree mirroring it.
 * Nest for higher orders: `grad(grad(f))`.
 * @example grad((x: Tensor) => sum(square(x)))(x) // 2x
 */
export function grad<A extends readonly unknown[]>(f: Fn<A, Tensor>): Fn<A, Grads<A[0]>>;
export function grad<A extends readonly unknown[], const N extends number>(
  f: Fn<A, Tensor>,
  opts: ArgOpts<N>,
): Fn<A, Grads<A[N]>>;
export function grad<A extends readonly unknown[], const N extends readonly number[]>(
  f: Fn<A, Tensor>,
  opts: ArgOpts<N>,
): Fn<A, GradsAt<A, N>>;
export function grad<A extends readonly unknown[], X, const N extends number = 0>(
  f: Fn<A, readonly [Tensor, X]>,
  opts: AuxOpts<N>,
): Fn<A, [Grads<A[N]>, X]>;
export function grad(f: Fn<never[], unknown>, opts?: GradOpts): Fn<readonly unknown[], unknown> {
  const o = checkGradArgs('grad', f, opts);
  return (...args) => {
    const [value, grads] = valueAndGradImpl('grad', f, o, args);
    return o.hasAux ? [grads, (value as [unknown, unknown])[1]] : grads;
  };
}

/**
 * Reverse mode: returns `[f(...primals), pullback]`, where `pullback(cotangent)` (a tree shaped like the
 * output) gives one gradient tree per primal: `uᵀ·∂f/∂primalᵢ`.
 */
export function vjp<A extends readonly unknown[], R>(
  f: Fn<A, R>,
  ...primals: A
): [R, (cotangent: MapLike<R>) => { -readonly [I in keyof A]: Grads<A[I]> }] {
  const { out, pullback } = trace(
    f as Fn<never[], unknown>,
    primals,
    primals.map((_, i) => i),
    false,
    'vjp',
  );
  return [out as R, pullback as (c: MapLike<R>) => { -readonly [I in keyof A]: Grads<A[I]> }];
}

/** A cotangent shaped like the output R. */
export type MapLike<R> = R extends Tensor ? Tensor : Grads<R>;

/**
 * Forward mode by the double-VJP trick: the pullback is linear in its cotangent u, so differentiating
 * `u ↦ ⟨pullback(u), t⟩` gives `J·t`. Returns `[f(primals), J·tangents]`.
 */
export function jvp<A extends readonly unknown[], R>(
  f: Fn<A, R>,
  primals: A,
  tangents: { readonly [I in keyof A]: unknown },
): [R, MapLike<R>] {
  const { out, pullback } = trace(
    f as Fn<never[], unknown>,
    primals,
    primals.map((_, i) => i),
    false,
    'jvp',
  );
  const u = treeMap((y: unknown) => (isFloatTensor(y) ? zerosLike(y) : y), out);
  const watched = treeTensors(u);
  const { result: linear, tape } = withTape(watched, () => pullback(u));
  const ys: Tensor[] = [];
  const ts: Tensor[] = [];
  const flatG = treeFlatten(linear).leaves;
  const flatT = treeFlatten(tangents).leaves;
  flatG.forEach((g, i) => {
    const t = flatT[i];
    if (g instanceof Tensor && t instanceof Tensor) {
      ys.push(g);
      ts.push(t);
    }
  });
  const jt = backward(tape, ys, ts, watched, add);
  const tangentOut = treeUnflatten(
    treeFlatten(u).def,
    treeFlatten(u).leaves.map((y) => (y instanceof Tensor ? (jt[watched.indexOf(y)] ?? zerosLike(y)) : null)),
  );
  return [out as R, tangentOut as MapLike<R>];
}

/**
 * `H·v` for a scalar function f of one tree argument, by reverse-over-reverse: `∇ₓ⟨∇f(x), v⟩`.
 */
export function hessianVectorProduct<P>(f: (x: P) => Tensor, x: P, v: P): Grads<P> {
  const inner = (p: P): Tensor => {
    const g = treeTensors(grad(f)(p));
    const vs = treeTensors(v);
    return g.map((gi, i) => dot(gi, vs[i]!)).reduce((a, b) => add(a, b));
  };
  return grad(inner)(x);
}

/**
 * A function with a hand-written VJP. `fwd` returns the output and residuals; `bwd(residuals, ȳ)` returns
 * one cotangent per input (null for none). Written with differentiable ops, `bwd` is itself differentiated
 * by outer transformations, so second derivatives work where bwd's do.
 * @example const clipGrad = customVjp((x) => x, (x) => [x, null], (_r, g) => [clip(g, -1, 1)]);
 */
export function customVjp<A extends readonly Tensor[], R>(
  f: (...args: A) => Tensor,
  fwd: (...args: A) => readonly [Tensor, R],
  bwd: (residuals: R, g: Tensor) => readonly (Tensor | null)[],
): (...args: A) => Tensor {
  return (...args) => {
    if (!isRecording()) return f(...args);
    const [y, residuals] = fwd(...args);
    const out = stopGradient(y);
    recordOnTapes('customVjp', args, out, (g) => bwd(residuals, g));
    return out;
  };
}
