/** @file clipByGlobalNorm (one norm over all leaves, as torch's clip_grad_norm_) and clipByValue. */
import { fc, test } from '@fast-check/vitest';
import { type Tensor, treeMap } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { expectClose, f64 } from '../test/helpers.js';
import { clipByGlobalNorm, clipByValue, globalNorm } from './clip.js';

const vals = (t: Tensor): number[] => Array.from(t.data());
// leaves of norms 3 and 4: the global norm is √(9 + 16) = 5
const grads = () => ({ a: f64([3]), b: [f64([[0, 4]])], n: null });

describe('clipByGlobalNorm', () => {
  it('measures the norm over all leaves together', () => {
    expect(globalNorm(grads())).toBe(5);
  });

  it('scales every leaf by maxNorm / (‖g‖ + 1e-6), as torch does', () => {
    // maxNorm 4.5: no single leaf exceeds it (3, 4) but the whole does; coef = 4.5 / (5 + 1e-6)
    const [u] = clipByGlobalNorm(4.5).update(grads(), {});
    const coef = 4.5 / (5 + 1e-6);
    expectClose(vals(u.a), [3 * coef]);
    expectClose(vals(u.b[0]!), [0, 4 * coef]);
    expect(u.n).toBeNull();
  });

  it('with eps 0 is optax: the clipped norm is exactly maxNorm', () => {
    // coef = 1/5: a → 0.6, b → [0, 0.8]
    const [u] = clipByGlobalNorm(1, { eps: 0 }).update(grads(), {});
    expectClose(vals(u.a), [0.6]);
    expectClose(vals(u.b[0]!), [0, 0.8]);
  });

  it('leaves gradients below the limit untouched', () => {
    const g = grads();
    const [u] = clipByGlobalNorm(5.1).update(g, {});
    expect(u).toBe(g);
  });

  test.prop([
    fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.double({ min: 0.01, max: 10, noNaN: true }),
  ])('the result has norm ≤ maxNorm and keeps the direction', (leaves, maxNorm) => {
    const g = leaves.map((l) => f64(l));
    const [u] = clipByGlobalNorm(maxNorm).update(g, {});
    const norm = globalNorm(g);
    expect(globalNorm(u)).toBeLessThanOrEqual(maxNorm * (1 + 1e-12));
    const coef = Math.min(1, maxNorm / (norm + 1e-6));
    treeMap(
      (x: Tensor, y: Tensor) =>
        expectClose(
          vals(y),
          vals(x).map((v) => v * coef),
        ),
      g,
      u,
    );
  });
});

describe('clipByValue', () => {
  it('clamps each element to [lo, hi]', () => {
    const [u] = clipByValue(-1, 1).update({ w: f64([-3, 0.5, 2]) }, {});
    expect(vals(u.w)).toEqual([-1, 0.5, 1]);
  });

  it('rejects lo > hi', () => {
    expect(() => clipByValue(1, -1)).toThrow(/lo/);
  });
});
