/** @file Test helpers: float64 tensors, running an optimiser over a fixed gradient sequence, closeness. */
import { type NestedArray, type Tensor, tensor } from '@tapenet/autodiff';
import { expect } from 'vitest';
import { applyUpdates } from '../src/base.js';
import type { GradientTransformation } from '../src/types.js';

/** A float64 tensor (exactness matters in these tests). */
export const f64 = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64' });

/**
 * Runs `opt` from `p0`, feeding the gradients in order (as if torch's `p.grad` were set by hand before
 * each `optimizer.step()`), and returns the params after every step.
 */
export function run<S>(
  opt: GradientTransformation<S>,
  p0: readonly number[],
  grads: readonly (readonly number[])[],
): number[][] {
  let p = f64([...p0]);
  let state = opt.init(p);
  return grads.map((g) => {
    const [updates, next] = opt.update(f64([...g]), state, p);
    p = applyUpdates(p, updates);
    state = next;
    return Array.from(p.data());
  });
}

/** Elementwise `|a - e| ≤ tol·max(1, |e|)`. */
export function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}
