/**
 * @file Every optimiser minimises a badly scaled quadratic `f(x, y) = ½(x - 3)² + 5(y + 1)²` (minimum at
 * (3, -1)) through valueAndGrad, from the origin, including with a schedule and gradient clipping.
 */
import { add, mul, square, sub, sum, type Tensor, valueAndGrad } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { f64 } from '../test/helpers.js';
import { adam, adamw, rmsprop, sgd } from './aliases.js';
import { applyUpdates, chain } from './base.js';
import { clipByGlobalNorm } from './clip.js';
import { cosineDecaySchedule, oneCycleSchedule } from './schedules.js';
import type { GradientTransformation } from './types.js';

type Params = { x: Tensor; y: Tensor };
const target = { x: 3, y: -1 };
const f = (p: Params): Tensor =>
  add(mul(sum(square(sub(p.x, target.x))), 0.5), mul(sum(square(sub(p.y, target.y))), 5));
const lossAndGrad = valueAndGrad(f);

function minimise<S>(opt: GradientTransformation<S>, steps: number): { params: Params; first: number; last: number } {
  let params: Params = { x: f64([0]), y: f64([0]) };
  let state = opt.init(params);
  let first = Number.NaN;
  let last = Number.NaN;
  for (let i = 0; i < steps; i++) {
    const [loss, grads] = lossAndGrad(params);
    if (i === 0) first = loss.item();
    last = loss.item();
    const [updates, next] = opt.update(grads, state, params);
    params = applyUpdates(params, updates);
    state = next;
  }
  return { params, first, last };
}

const cases: [string, GradientTransformation<unknown>, number, number][] = [
  // name, optimiser, steps, tolerance on |x - 3| and |y + 1|
  ['sgd', sgd({ lr: 0.15 }), 200, 1e-6],
  ['sgd + momentum', sgd({ lr: 0.05, momentum: 0.9 }), 300, 1e-6],
  ['sgd + nesterov', sgd({ lr: 0.05, momentum: 0.9, nesterov: true }), 300, 1e-6],
  ['adam', adam({ lr: 0.1 }), 500, 1e-3],
  ['adam + amsgrad', adam({ lr: 0.1, amsgrad: true }), 500, 1e-3],
  ['adam, cosine lr', adam({ lr: cosineDecaySchedule({ init: 0.3, totalSteps: 400, warmupSteps: 20 }) }), 400, 1e-3],
  // adamw's decoupled decay pulls every weight towards 0 and shifts the fixed point, so the decay is kept tiny
  ['adamw', adamw({ lr: 0.1, weightDecay: 1e-5 }), 500, 1e-3],
  ['rmsprop', rmsprop({ lr: 0.01 }), 800, 1e-2],
  ['rmsprop centred + momentum', rmsprop({ lr: 0.01, momentum: 0.5, centered: true }), 600, 1e-2],
  [
    'clip + sgd, one-cycle',
    chain(clipByGlobalNorm(1), sgd({ lr: oneCycleSchedule({ maxLr: 0.15, totalSteps: 400 }) })),
    400,
    1e-4,
  ],
];

describe.each(cases)('%s', (_name, opt, steps, tol) => {
  it('converges to the minimum of a quadratic', () => {
    const { params, first, last } = minimise(opt, steps);
    expect(last).toBeLessThan(first * 1e-3);
    expect(Math.abs(params.x.item() - target.x)).toBeLessThan(tol);
    expect(Math.abs(params.y.item() - target.y)).toBeLessThan(tol);
  });
});
