import { describe, expect, it } from 'vitest';
import { withBackend } from '../context.js';
import { mean, variance } from '../ops/index.js';
import * as random from './index.js';

describe('tensor samplers', () => {
  const k = random.key(42);

  it('are deterministic per key and shaped as asked', () => {
    const a = random.normal(k, [3, 4]);
    expect(a.shape).toEqual([3, 4]);
    expect(a.dtype).toBe('float32');
    expect(random.normal(k, [3, 4]).toArray()).toEqual(a.toArray());
    expect(random.normal(random.split(k)[0]!, [3, 4]).toArray()).not.toEqual(a.toArray());
  });

  it('give the same numbers on every backend (the bits come from the key, not the backend)', () => {
    const here = random.uniform(k, [5], -1, 1, { dtype: 'float64' }).toArray();
    expect(withBackend('reference', () => random.uniform(k, [5], -1, 1, { dtype: 'float64' }).toArray())).toEqual(here);
  });

  it('have the documented moments and ranges', () => {
    const n = random.normal(k, [20000], 2, 3, { dtype: 'float64' });
    expect(mean(n).item()).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance(n).item())).toBeCloseTo(3, 1);
    const u = Array.from(random.uniform(k, [1000], 5, 6).data());
    expect(u.every((v) => v >= 5 && v < 6)).toBe(true);
    const t = Array.from(random.truncatedNormal(k, [1000], -1, 1).data());
    expect(t.every((v) => v >= -1 && v <= 1)).toBe(true);
    const b = Array.from(random.bernoulli(k, [1000], 0.25).data());
    expect(b.every((v) => v === 0 || v === 1)).toBe(true);
    expect(random.randint(k, [4], 0, 3).dtype).toBe('int32');
    expect([...random.permutation(k, 6).data()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
