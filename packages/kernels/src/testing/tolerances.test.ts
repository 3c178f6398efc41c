/** @file `close`: the bound, NaN and the infinities. */
import { describe, expect, it } from 'vitest';
import { close, TOL } from './index.js';

describe('close', () => {
  it('admits |got − want| ≤ atol + rtol·|want| and nothing more', () => {
    expect(close(1 + 1.1e-3 - 1e-9, 1, TOL.f32)).toBe(true);
    expect(close(1 + 1.2e-3, 1, TOL.f32)).toBe(false);
    expect(close(0, 0, TOL.exact)).toBe(true);
    expect(close(1e-30, 0, TOL.exact)).toBe(false);
  });

  it('matches NaN with NaN only, and an infinity with the same infinity only', () => {
    expect(close(Number.NaN, Number.NaN, TOL.f32)).toBe(true);
    expect(close(Number.NaN, 1, TOL.f32)).toBe(false);
    expect(close(1, Number.NaN, TOL.f32)).toBe(false);
    expect(close(Infinity, Infinity, TOL.exact)).toBe(true);
    expect(close(-Infinity, -Infinity, TOL.f64)).toBe(true);
    expect(close(-Infinity, Infinity, TOL.f32LargeReduction)).toBe(false);
    expect(close(Infinity, 3e38, TOL.f32LargeReduction)).toBe(false);
    expect(close(3e38, Infinity, TOL.f32LargeReduction)).toBe(false);
  });
});
