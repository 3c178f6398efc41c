/** @file matmul: worked examples, transpose flags, broadcast batch dims, float32 rounding, errors. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DType, Shape } from '../backend.js';
import { allocate, sizeOf } from '../shape.js';
import { matmul } from './matmul.js';
import { transpose } from './movement.js';
import type { RTensor } from './tensor.js';

const t = (values: ArrayLike<number>, shape: Shape, dtype: DType = 'float64'): RTensor => {
  const data = allocate(dtype, values.length);
  data.set(Array.from(values));
  return { data, shape, dtype };
};
const vals = (x: RTensor): number[] => Array.from(x.data);
/** Deterministic values in [-1, 1) from a seed (a small LCG), so cases replay from fast-check's seed. */
const randoms = (n: number, seed: number): number[] => {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
};
/** Swaps the last two axes. */
const swap = (x: RTensor): RTensor => {
  const r = x.shape.length;
  return transpose(
    x,
    x.shape.map((_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i)),
  );
};

describe('matmul', () => {
  const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = t([7, 8, 9, 10, 11, 12], [3, 2]);

  it('multiplies [2,3] x [3,2] (worked example)', () => {
    const y = matmul(a, b, false, false);
    expect(y.shape).toEqual([2, 2]);
    expect(vals(y)).toEqual([58, 64, 139, 154]);
  });

  it('honours transposeA and transposeB', () => {
    // aᵀ a: [3,3]; b bᵀ: [3,3]
    expect(vals(matmul(a, a, true, false))).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
    expect(vals(matmul(b, b, false, true))).toEqual([113, 143, 173, 143, 181, 219, 173, 219, 265]);
    expect(vals(matmul(b, a, true, true))).toEqual([58, 139, 64, 154]); // bᵀaᵀ = (ab)ᵀ
  });

  it('broadcasts batch dims: [2,1,3,4] x [5,4,6] -> [2,5,3,6]', () => {
    const x = t(randoms(24, 1), [2, 1, 3, 4]);
    const w = t(randoms(120, 2), [5, 4, 6]);
    const y = matmul(x, w, false, false);
    expect(y.shape).toEqual([2, 5, 3, 6]);
    for (let p = 0; p < 2; p++) {
      for (let q = 0; q < 5; q++) {
        const xm = t(x.data.subarray(p * 12, (p + 1) * 12), [3, 4]);
        const wm = t(w.data.subarray(q * 24, (q + 1) * 24), [4, 6]);
        const want = vals(matmul(xm, wm, false, false));
        const got = vals(y).slice((p * 5 + q) * 18, (p * 5 + q + 1) * 18);
        expect(got).toEqual(want);
      }
    }
  });

  it('stores the float64 result rounded once for float32', () => {
    const a32 = t(randoms(12, 3), [3, 4], 'float32');
    const b32 = t(randoms(20, 4), [4, 5], 'float32');
    const y64 = matmul(t(a32.data, [3, 4]), t(b32.data, [4, 5]), false, false);
    const y32 = matmul(a32, b32, false, false);
    expect(y32.dtype).toBe('float32');
    expect(vals(y32)).toEqual(vals(y64).map(Math.fround));
  });

  it('rejects rank < 2, mismatched inner dims and mismatched dtypes', () => {
    expect(() => matmul(t([1, 2], [2]), a, false, false)).toThrow(/^reference\.matmul: needs rank/);
    expect(() => matmul(a, a, false, false)).toThrow(/^reference\.matmul: inner dims/);
    expect(() => matmul(a, t([1, 2, 3], [3, 1], 'float32'), false, false)).toThrow(/dtype mismatch/);
    expect(() => matmul(t(randoms(24, 0), [2, 3, 4]), t(randoms(12, 0), [3, 4, 1]), false, false)).toThrow(/batch/);
  });

  const arbCase = fc.record({
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    m: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 1, max: 4 }),
    tA: fc.boolean(),
    tB: fc.boolean(),
    seed: fc.integer(),
  });
  test.prop([arbCase])('transpose flags equal transposing the operands first', ({ batch, m, k, n, tA, tB, seed }) => {
    const aS = [...batch, ...(tA ? [k, m] : [m, k])];
    const bS = [...batch, ...(tB ? [n, k] : [k, n])];
    const x = t(randoms(sizeOf(aS), seed), aS);
    const w = t(randoms(sizeOf(bS), seed + 1), bS);
    const y = matmul(x, w, tA, tB);
    const want = matmul(tA ? swap(x) : x, tB ? swap(w) : w, false, false);
    expect(y.shape).toEqual([...batch, m, n]);
    expect(vals(y)).toEqual(vals(want));
    // The first output matrix against Σ_p A[i, p] B[p, j] written out.
    const ap = tA ? swap(x) : x;
    const bp = tB ? swap(w) : w;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += ap.data[i * k + p]! * bp.data[p * n + j]!;
        expect(y.data[i * n + j]).toBeCloseTo(sum, 12);
      }
    }
  });
});
