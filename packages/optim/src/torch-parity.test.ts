/**
 * @file Property tests against scalar transcriptions of torch.optim's per-element algorithms (the loops of
 * `_single_tensor_sgd`, `_single_tensor_adam`, `_single_tensor_adamw`, `_single_tensor_rmsprop`) on random
 * hyperparameters and gradient sequences. The transcriptions use plain JS numbers and share no code with
 * the tensor implementation.
 */
import { fc, test } from '@fast-check/vitest';
import { expectClose, run } from '../test/helpers.js';
import { adam, adamw, rmsprop, sgd } from './aliases.js';
import type { GradientTransformation } from './types.js';

type Step = (p: number, g: number, t: number) => number;

/** Every step's params agree with the reference's. */
function expectSteps(ours: readonly number[][], ref: readonly number[][], tol: number): void {
  for (const [i, e] of ref.entries()) expectClose(ours[i]!, e, tol);
}

/** Runs a per-element stateful step (made by `make`) over each coordinate independently. */
function reference(make: () => Step, p0: readonly number[], grads: readonly (readonly number[])[]): number[][] {
  const steps = p0.map(() => make());
  let p = [...p0];
  return grads.map((g, t) => {
    p = p.map((x, i) => steps[i]!(x, g[i]!, t + 1));
    return p;
  });
}

const torchSgd = (lr: number, mu: number, d: number, nesterov: boolean, wd: number) => (): Step => {
  let buf: number | undefined;
  return (p, g) => {
    if (wd !== 0) g = g + wd * p;
    if (mu !== 0) {
      buf = buf === undefined ? g : mu * buf + (1 - d) * g;
      g = nesterov ? g + mu * buf : buf;
    }
    return p - lr * g;
  };
};

/**
 * torch's CPU lerp, `a + w·(b - a)` for w < 0.5 else `b - (b - a)·(1 - w)`. Written as `β₁·m + (1 - β₁)·g`
 * instead, the reference differs from torch when β₁ is tiny: `1 - (1 - β₁)` keeps few digits of β₁, and
 * with v = 0 the step m/ε magnifies that (seed -106831778 found it: 2.7e-9 apart after 2 steps).
 */
const torchLerp = (a: number, b: number, w: number): number => (w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w));

const torchAdam =
  (lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, ams: boolean) => (): Step => {
    let m = 0;
    let v = 0;
    let vMax = 0;
    return (p, g, t) => {
      if (decoupled) p = p * (1 - lr * wd);
      else if (wd !== 0) g = g + wd * p;
      m = torchLerp(m, g, 1 - b1); // torch: exp_avg.lerp_(grad, 1 - β₁)
      v = b2 * v + (1 - b2) * g * g;
      vMax = Math.max(vMax, v);
      const denom = Math.sqrt(ams ? vMax : v) / Math.sqrt(1 - b2 ** t) + eps;
      return p - (lr / (1 - b1 ** t)) * (m / denom);
    };
  };

const torchRmsprop =
  (lr: number, alpha: number, eps: number, wd: number, mu: number, centered: boolean) => (): Step => {
    let sq = 0;
    let avg = 0;
    let buf = 0;
    return (p, g) => {
      if (wd !== 0) g = g + wd * p;
      sq = alpha * sq + (1 - alpha) * g * g;
      let denom: number;
      if (centered) {
        avg = alpha * avg + (1 - alpha) * g;
        denom = Math.sqrt(sq - avg * avg) + eps;
      } else denom = Math.sqrt(sq) + eps;
      if (mu > 0) {
        buf = mu * buf + g / denom;
        return p - lr * buf;
      }
      return p - (lr * g) / denom;
    };
  };

const value = fc.double({ min: -3, max: 3, noNaN: true });
const problem = fc
  .integer({ min: 1, max: 4 })
  .chain((n) =>
    fc.tuple(
      fc.array(value, { minLength: n, maxLength: n }),
      fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }),
    ),
  );
const rate = fc.double({ min: 1e-3, max: 0.5, noNaN: true });
const unit = fc.double({ min: 0, max: 0.99, noNaN: true });

test.prop([problem, rate, unit, unit, fc.boolean(), fc.double({ min: 0, max: 0.1, noNaN: true })])(
  'sgd matches torch.optim.SGD',
  ([p0, gs], lr, mu, d, nesterov, wd) => {
    const nest = nesterov && mu > 0; // torch rejects Nesterov without momentum or with dampening
    const damp = nest ? 0 : d;
    const ours = run(sgd({ lr, momentum: mu, dampening: damp, nesterov: nest, weightDecay: wd }), p0, gs);
    expectSteps(ours, reference(torchSgd(lr, mu, damp, nest, wd), p0, gs), 1e-11);
  },
);

test.prop([
  problem,
  rate,
  unit,
  unit,
  fc.double({ min: 1e-8, max: 1e-2, noNaN: true }),
  fc.double({ min: 0, max: 0.1, noNaN: true }),
  fc.boolean(),
  fc.boolean(),
])('adam and adamw match torch.optim.Adam / AdamW', ([p0, gs], lr, b1, b2, eps, wd, decoupled, amsgrad) => {
  const opts = { lr, betas: [b1, b2] as const, eps, weightDecay: wd, amsgrad };
  const opt: GradientTransformation<unknown> = decoupled ? adamw(opts) : adam(opts);
  const ours = run(opt, p0, gs);
  expectSteps(ours, reference(torchAdam(lr, b1, b2, eps, wd, decoupled, amsgrad), p0, gs), 1e-9);
});

// α ≥ 0.5: with α near 0 the centred variance s - ḡ² = α(1 - α)g² drowns in rounding and can come out
// negative (NaN from the root, in torch as here), at a point decided by operation order alone.
const alphaArb = fc.double({ min: 0.5, max: 0.99, noNaN: true });

test.prop([
  problem,
  rate,
  alphaArb,
  fc.double({ min: 1e-8, max: 1e-2, noNaN: true }),
  fc.double({ min: 0, max: 0.1, noNaN: true }),
  unit,
  fc.boolean(),
])('rmsprop matches torch.optim.RMSprop', ([p0, gs], lr, alpha, eps, wd, mu, centered) => {
  const ours = run(rmsprop({ lr, alpha, eps, weightDecay: wd, momentum: mu, centered }), p0, gs);
  expectSteps(ours, reference(torchRmsprop(lr, alpha, eps, wd, mu, centered), p0, gs), 1e-9);
});
