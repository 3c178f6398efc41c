/**
 * @file checkGrads: directional finite-difference checks of reverse and forward mode, first and second
 * order, in float64. O(1) evaluations per check: a random cotangent u and random directions v give the
 * scalar `⟨u, J·v⟩`, compared with the central difference of `t ↦ ⟨u, f(x + t·v)⟩`. Random cotangents
 * (never all ones) make a wrong permutation in a movement op's VJP visible.
 */
import { cast, mul, sum } from '../ops/index.js';
import { jvp, vjp } from '../grad.js';
import { foldIn, key } from '../random/keys.js';
import { normalValues } from '../random/sample.js';
import { tensor, Tensor } from '../tensor.js';
import { treeTensors } from '../tree.js';
import { close, TOL, type Tol } from '@tapenet/kernels/testing';

export type CheckGradsOptions = {
  /** 'rev' checks vjp, 'fwd' checks jvp (default both). */
  readonly modes?: readonly ('rev' | 'fwd')[];
  /** 1 checks f; 2 also checks the gradient function `x ↦ vjp(f, x)(u)` (default 1). */
  readonly order?: 1 | 2;
  /** Seed for the cotangent and directions (printed on failure). */
  readonly seed?: number;
  /** Override the tolerance (defaults: TOL.f64, TOL.f64Order2 for order 2). */
  readonly tol?: Tol;
  /** Indices of args to differentiate (default: every float arg). */
  readonly wrt?: readonly number[];
};

/** Thrown when a check fails; the message has the seed, shapes, both values and the worst element. */
export class GradCheckError extends Error {
  override readonly name = 'GradCheckError';
}

type F = (...args: Tensor[]) => Tensor | readonly Tensor[];

/** Standard normal values shaped like `like`, from stream `stream` of `seed` (so a seed replays exactly). */
function randn(seed: number, stream: number, like: Tensor): Tensor {
  const values = normalValues(foldIn(key(seed), stream), like.size, 'float64');
  return tensor(values, { shape: like.shape });
}

const inner = (a: readonly Tensor[], b: readonly Tensor[]): number =>
  a.reduce((acc, ai, i) => acc + sum(mul(ai, b[i]!)).item(), 0);

const outputs = (y: Tensor | readonly Tensor[]): Tensor[] => (y instanceof Tensor ? [y] : [...y]);

const describe = (xs: readonly Tensor[]): string => xs.map((x) => `[${x.shape.join(', ')}]`).join(', ');

/** The element of argument `i` where the analytic gradient and a per-element central difference differ most. */
function worstElement(f: F, xs: Tensor[], i: number, us: Tensor[], analytic: Tensor, h: number): string {
  const x = xs[i]!;
  const base = x.data();
  const g = analytic.data();
  let worst = { index: -1, a: 0, n: 0, err: -1 };
  const limit = Math.min(base.length, 512);
  for (let e = 0; e < limit; e++) {
    const at = (t: number): number => {
      const d = Float64Array.from(base);
      d[e] = d[e]! + t;
      const moved = xs.map((xj, j) => (j === i ? tensor(d, { shape: x.shape }) : xj));
      return inner(outputs(f(...moved)), us);
    };
    const n = (at(h) - at(-h)) / (2 * h);
    const err = Math.abs(n - g[e]!);
    if (err > worst.err) worst = { index: e, a: g[e]!, n, err };
  }
  return `worst element of arg ${i}: flat index ${worst.index}, analytic ${worst.a}, numeric ${worst.n}`;
}

function checkOrder1(
  f: F,
  xs: Tensor[],
  wrt: readonly number[],
  modes: readonly ('rev' | 'fwd')[],
  seed: number,
  tol: Tol,
  label: string,
): void {
  const y = outputs(f(...xs));
  const us = y.map((yi, i) => randn(seed, i, yi));
  const vs = xs.map((x, j) => randn(seed, 1000 + j, x));
  const along = (t: number): number =>
    inner(
      outputs(
        f(
          ...xs.map((x, j) =>
            wrt.includes(j)
              ? tensor(
                  Float64Array.from(x.data(), (v, e) => v + t * vs[j]!.data()[e]!),
                  { shape: x.shape },
                )
              : x,
          ),
        ),
      ),
      us,
    );
  const numeric = (along(tol.h) - along(-tol.h)) / (2 * tol.h);
  for (const mode of modes) {
    let analytic: number;
    let grads: (Tensor | null)[] = [];
    if (mode === 'rev') {
      const [, pullback] = vjp((...a: Tensor[]) => outputs(f(...a)), ...xs);
      grads = (pullback(us) as unknown[]).map((g) => (g instanceof Tensor ? g : null));
      analytic = wrt.reduce((acc, j) => acc + (grads[j] ? sum(mul(grads[j]!, vs[j]!)).item() : 0), 0);
    } else {
      const tangents = xs.map((x, j) => (wrt.includes(j) ? vs[j]! : mul(x, 0)));
      const [, jv] = jvp((...a: Tensor[]) => outputs(f(...a)), xs, tangents);
      analytic = inner(treeTensors(jv), us);
    }
    if (!close(analytic, numeric, tol)) {
      const detail =
        mode === 'rev'
          ? wrt
              .filter((j) => grads[j])
              .map((j) => worstElement(f, xs, j, us, grads[j]!, tol.h))
              .join('; ')
          : '';
      throw new GradCheckError(
        `${label} (${mode}-mode, seed ${seed}, args ${describe(xs)}): ⟨u, J·v⟩ analytic ${analytic} vs numeric ${numeric} ` +
          `(|diff| ${Math.abs(analytic - numeric)} > atol ${tol.atol} + rtol ${tol.rtol}·|numeric|)${detail ? `; ${detail}` : ''}`,
      );
    }
  }
}

/**
 * Checks the derivatives of `f` at `args` against central differences in float64; throws a
 * `GradCheckError` describing the failure. Float32 args are checked in float64 copies.
 * @example checkGrads((x) => sum(tanh(x)), [tensor([0.1, -0.3], { dtype: 'float64' })], { order: 2 });
 */
export function checkGrads(f: F, args: readonly Tensor[], opts: CheckGradsOptions = {}): void {
  const xs = args.map((x) => (x.dtype === 'float32' ? cast(x, 'float64') : x));
  const wrt = opts.wrt ?? xs.flatMap((x, i) => (x.dtype === 'float64' ? [i] : []));
  const modes = opts.modes ?? ['rev', 'fwd'];
  const seed = opts.seed ?? 0;
  checkOrder1(f, xs, wrt, modes, seed, opts.tol ?? TOL.f64, 'order 1');
  if ((opts.order ?? 1) === 2) {
    const y = outputs(f(...xs));
    const us = y.map((yi, i) => randn(seed, 2000 + i, yi));
    // g(x) = uᵀ·∂f/∂x, a function whose derivative is the second derivative of f
    const g = (...a: Tensor[]): Tensor[] => {
      const [, pullback] = vjp((...b: Tensor[]) => outputs(f(...b)), ...a);
      return (pullback(us) as unknown[]).flatMap((gi, j) => (wrt.includes(j) && gi instanceof Tensor ? [gi] : []));
    };
    checkOrder1(g, xs, wrt, modes, seed + 1, opts.tol ?? TOL.f64Order2, 'order 2');
  }
}
