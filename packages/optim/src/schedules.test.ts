/** @file Schedules at specific steps, worked by hand (steps count from 0, as torch's last_epoch). */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialSchedule,
  multiStepSchedule,
  oneCycleSchedule,
  stepSchedule,
} from './schedules.js';

const at = (s: (t: number) => number, steps: readonly number[]): number[] => steps.map(s);
function close(a: readonly number[], e: readonly number[]): void {
  expect(a.length).toBe(e.length);
  for (const [i, x] of a.entries()) expect(x, `index ${i}`).toBeCloseTo(e[i]!, 14);
}

describe('schedules', () => {
  it('constant', () => {
    expect(at(constantSchedule(0.1), [0, 1, 1000])).toEqual([0.1, 0.1, 0.1]);
  });

  it('step (StepLR): init·γ^⌊t/stepSize⌋', () => {
    // stepSize 3, γ 0.5: t 0..2 → 0.1, 3..5 → 0.05, 6..8 → 0.025
    close(
      at(stepSchedule({ init: 0.1, stepSize: 3, gamma: 0.5 }), [0, 2, 3, 5, 6, 8]),
      [0.1, 0.1, 0.05, 0.05, 0.025, 0.025],
    );
    // default γ = 0.1: t = 65 with stepSize 30 → 0.1·0.1² = 0.001
    close([stepSchedule({ init: 0.1, stepSize: 30 })(65)], [0.001]);
    expect(() => stepSchedule({ init: 1, stepSize: 0 })).toThrow(/stepSize/);
  });

  it('multiStep (MultiStepLR): one factor γ per milestone reached', () => {
    // milestones [2, 5], γ 0.1: t 0, 1 → 1; 2..4 → 0.1; 5.. → 0.01
    close(
      at(multiStepSchedule({ init: 1, milestones: [2, 5], gamma: 0.1 }), [0, 1, 2, 4, 5, 100]),
      [1, 1, 0.1, 0.1, 0.01, 0.01],
    );
    // a repeated milestone counts twice (torch keeps a Counter): [3, 3] at t = 3 → 1·0.5² = 0.25
    close(at(multiStepSchedule({ init: 1, milestones: [3, 3], gamma: 0.5 }), [2, 3]), [1, 0.25]);
  });

  it('exponential (ExponentialLR): init·γᵗ', () => {
    close(at(exponentialSchedule({ init: 2, gamma: 0.5 }), [0, 1, 3]), [2, 1, 0.25]);
  });

  it('cosine decay (CosineAnnealingLR up to totalSteps), then held at final', () => {
    // T = 4: v(t) = (1 + cos(πt/4))/2 → t 0: 1; t 1: (1 + √2/2)/2 ≈ 0.853553; t 2: 0.5; t 4: 0; t 10: 0 (held)
    close(at(cosineDecaySchedule({ init: 1, totalSteps: 4 }), [0, 1, 2, 4, 10]), [
      1,
      (1 + Math.SQRT1_2) / 2,
      0.5,
      0,
      0,
    ]);
    // final 0.1: t 2 → 0.1 + 0.9·0.5 = 0.55
    close([cosineDecaySchedule({ init: 1, totalSteps: 4, final: 0.1 })(2)], [0.55]);
  });

  it('cosine decay with linear warm-up', () => {
    // warm-up 2 steps from 0 to 1 (t 0: 0, t 1: 0.5, t 2: 1), then cosine over T = 6 - 2 = 4 (t 4: 0.5, t 6: 0)
    close(at(cosineDecaySchedule({ init: 1, totalSteps: 6, warmupSteps: 2 }), [0, 1, 2, 4, 6]), [0, 0.5, 1, 0.5, 0]);
    close([cosineDecaySchedule({ init: 1, totalSteps: 6, warmupSteps: 2, warmupInit: 0.2 })(1)], [0.6]);
    expect(() => cosineDecaySchedule({ init: 1, totalSteps: 2, warmupSteps: 2 })).toThrow(/totalSteps/);
  });

  it('one-cycle (OneCycleLR, cos), torch defaults', () => {
    // maxLr 1, totalSteps 10: lo = 1/25 = 0.04, min = 0.04/1e4 = 4e-6; the peak is at 0.3·10 - 1 = 2.
    // anneal(a, b, p) = b + (a - b)/2·(cos πp + 1)
    // t 0: 0.04; t 1: p = ½ → 1 + (0.04 - 1)/2 = 0.52; t 2: 1;
    // t 5: phase 2 from 2 to 9, p = 3/7 → 4e-6 + (1 - 4e-6)/2·(cos(3π/7) + 1) ≈ 0.611262; t 9: 4e-6
    const s = oneCycleSchedule({ maxLr: 1, totalSteps: 10 });
    close(at(s, [0, 1, 2, 5, 9]), [0.04, 0.52, 1, 4e-6 + ((1 - 4e-6) / 2) * (Math.cos((3 * Math.PI) / 7) + 1), 4e-6]);
    // torch lets the step reach totalSteps (p = 8/7, just past the end) and raises beyond it
    close([s(10)], [4e-6 + ((1 - 4e-6) / 2) * (Math.cos((8 * Math.PI) / 7) + 1)]);
    expect(() => s(11)).toThrow(/outside/);
  });

  it('one-cycle: linear annealing and three phases', () => {
    // linear: t 1 of the rise 0.04 → 1 over 2 steps: 0.04 + 0.96·½ = 0.52; fall from 1 (t 2) to 4e-6 (t 9)
    const lin = oneCycleSchedule({ maxLr: 1, totalSteps: 10, annealStrategy: 'linear' });
    close(at(lin, [1, 2]), [0.52, 1]);
    close([lin(9)], [4e-6]);
    // three phases, totalSteps 10: peaks at 2, back to 0.04 at 2·0.3·10 - 2 = 4, then to 4e-6 at 9
    // t 3: phase 2, p = ½ → 0.04 + (1 - 0.04)/2 = 0.52
    close(at(oneCycleSchedule({ maxLr: 1, totalSteps: 10, threePhase: true }), [2, 3, 4, 9]), [1, 0.52, 0.04, 4e-6]);
  });

  test.prop([fc.integer({ min: 1, max: 500 }), fc.double({ min: 1e-4, max: 10, noNaN: true })])(
    'one-cycle rises to maxLr then falls, never beyond [min, maxLr]',
    (totalSteps, maxLr) => {
      const s = oneCycleSchedule({ maxLr, totalSteps });
      const values = Array.from({ length: totalSteps }, (_, t) => s(t));
      const peak = values.indexOf(Math.max(...values));
      for (let t = 1; t < totalSteps; t++) {
        const rising = t <= peak;
        expect(rising ? values[t]! >= values[t - 1]! - 1e-12 : values[t]! <= values[t - 1]! + 1e-12).toBe(true);
      }
      for (const v of values) {
        expect(v).toBeLessThanOrEqual(maxLr * (1 + 1e-12));
        expect(v).toBeGreaterThanOrEqual((maxLr / 25 / 1e4) * (1 - 1e-12));
      }
    },
  );
});
