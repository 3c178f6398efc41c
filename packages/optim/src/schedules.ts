/**
 * @file Learning-rate schedules: pure functions `step ↦ value`. The step counts from 0 (the first update
 * reads `schedule(0)`), which is where torch.optim.lr_scheduler stands before its first `scheduler.step()`;
 * stepping a torch scheduler once per optimiser step gives the same sequence.
 */
import type { Schedule } from './types.js';
import { nonNegative, positiveInt } from './validate.js';

/**
 * `v(t) = value`.
 * @example constantSchedule(0.1)(1000) // 0.1
 */
export const constantSchedule =
  (value: number): Schedule =>
  () =>
    value;

/**
 * torch StepLR: `v(t) = init·γ^⌊t / stepSize⌋`; γ defaults to 0.1.
 * @example stepSchedule({ init: 0.1, stepSize: 30 })(65) // 0.1·0.1² = 0.001
 */
export function stepSchedule(opts: {
  readonly init: number;
  readonly stepSize: number;
  readonly gamma?: number;
}): Schedule {
  const { init, stepSize, gamma = 0.1 } = opts;
  positiveInt('stepSchedule', 'stepSize', stepSize);
  return (t) => init * gamma ** Math.floor(t / stepSize);
}

/**
 * torch MultiStepLR: `v(t) = init·γ^k`, k = how many milestones are ≤ t (a repeated milestone counts
 * twice, as in torch); γ defaults to 0.1.
 * @example multiStepSchedule({ init: 1, milestones: [2, 5], gamma: 0.5 })(5) // 0.25
 */
export function multiStepSchedule(opts: {
  readonly init: number;
  readonly milestones: readonly number[];
  readonly gamma?: number;
}): Schedule {
  const { init, gamma = 0.1 } = opts;
  const milestones = [...opts.milestones];
  return (t) => init * gamma ** milestones.filter((m) => m <= t).length;
}

/**
 * torch ExponentialLR: `v(t) = init·γᵗ`.
 * @example exponentialSchedule({ init: 1, gamma: 0.5 })(3) // 0.125
 */
export function exponentialSchedule(opts: { readonly init: number; readonly gamma: number }): Schedule {
  const { init, gamma } = opts;
  return (t) => init * gamma ** t;
}

/** Options of `cosineDecaySchedule`. */
export type CosineDecayOptions = {
  /** The value the cosine starts from (the peak, reached at the end of the warm-up). */
  readonly init: number;
  /** Length of the whole schedule, warm-up included; the value is `final` from here on. */
  readonly totalSteps: number;
  /** Default 0 (torch's `eta_min`). */
  readonly final?: number;
  /** Linear warm-up steps, default 0. */
  readonly warmupSteps?: number;
  /** Value at step 0 when warming up, default 0. */
  readonly warmupInit?: number;
};

/**
 * Cosine decay with an optional linear warm-up (optax's `warmup_cosine_decay_schedule`). With
 * `w = warmupSteps`, `T = totalSteps - w`:
 * `v(t) = warmupInit + (init - warmupInit)·t/w` for `t < w`,
 * `v(t) = final + (init - final)·(1 + cos(π·min(t - w, T)/T))/2` afterwards.
 * Without warm-up it is torch's CosineAnnealingLR (`T_max = totalSteps`, `eta_min = final`) up to
 * `totalSteps`; after that it stays at `final` instead of rising again.
 * @example cosineDecaySchedule({ init: 1, totalSteps: 4 })(2) // 0.5
 */
export function cosineDecaySchedule(opts: CosineDecayOptions): Schedule {
  const { init, totalSteps, final = 0, warmupSteps = 0, warmupInit = 0 } = opts;
  nonNegative('cosineDecaySchedule', 'warmupSteps', warmupSteps);
  if (!(totalSteps > warmupSteps)) {
    throw new RangeError(`cosineDecaySchedule: totalSteps ${totalSteps} must exceed warmupSteps ${warmupSteps}`);
  }
  const T = totalSteps - warmupSteps;
  return (t) => {
    if (t < warmupSteps) return warmupInit + ((init - warmupInit) * t) / warmupSteps;
    const s = Math.min(t - warmupSteps, T);
    return final + ((init - final) * (1 + Math.cos((Math.PI * s) / T))) / 2;
  };
}

/** Options of `oneCycleSchedule` (torch OneCycleLR's names and defaults). */
export type OneCycleOptions = {
  readonly maxLr: number;
  readonly totalSteps: number;
  /** Fraction of the steps spent rising, default 0.3. */
  readonly pctStart?: number;
  /** Start value = maxLr / divFactor, default 25. */
  readonly divFactor?: number;
  /** Final value = start value / finalDivFactor, default 1e4. */
  readonly finalDivFactor?: number;
  /** Default 'cos'. */
  readonly annealStrategy?: 'cos' | 'linear';
  /** Rise, fall back to the start value, then anneal to the final value; default false. */
  readonly threePhase?: boolean;
};

const annealCos = (start: number, end: number, pct: number): number =>
  end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/**
 * torch OneCycleLR (learning rate only; torch's momentum cycling is not reproduced). With
 * `lo = maxLr/divFactor`, `min = lo/finalDivFactor`, `e = pctStart·totalSteps - 1`:
 * cosine from `lo` (step 0) up to `maxLr` (step e), then down to `min` (step totalSteps - 1),
 * `anneal(a, b, p) = b + (a - b)/2·(cos(πp) + 1)`. Like torch it throws for `t > totalSteps`.
 * @example oneCycleSchedule({ maxLr: 1, totalSteps: 10 })(2) // 1 (the peak, e = 0.3·10 - 1 = 2)
 */
export function oneCycleSchedule(opts: OneCycleOptions): Schedule {
  const { maxLr, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = opts;
  positiveInt('oneCycleSchedule', 'totalSteps', totalSteps);
  if (!(pctStart >= 0 && pctStart <= 1))
    throw new RangeError(`oneCycleSchedule: pctStart ${pctStart} must be in [0, 1]`);
  const anneal = opts.annealStrategy === 'linear' ? annealLinear : annealCos;
  const lo = maxLr / divFactor;
  const min = lo / finalDivFactor;
  const phases: readonly { end: number; from: number; to: number }[] = opts.threePhase
    ? [
        { end: pctStart * totalSteps - 1, from: lo, to: maxLr },
        { end: 2 * pctStart * totalSteps - 2, from: maxLr, to: lo },
        { end: totalSteps - 1, from: lo, to: min },
      ]
    : [
        { end: pctStart * totalSteps - 1, from: lo, to: maxLr },
        { end: totalSteps - 1, from: maxLr, to: min },
      ];
  return (t) => {
    if (!(t >= 0 && t <= totalSteps)) {
      throw new RangeError(`oneCycleSchedule: step ${t} is outside [0, totalSteps = ${totalSteps}]`);
    }
    // torch: the first phase with t ≤ end (or the last one) anneals from the previous phase's end
    let i = 0;
    while (i < phases.length - 1 && t > phases[i]!.end) i++;
    const phase = phases[i]!;
    const start = i === 0 ? 0 : phases[i - 1]!.end;
    return anneal(phase.from, phase.to, (t - start) / (phase.end - start));
  };
}
