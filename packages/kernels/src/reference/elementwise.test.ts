/** @file Elementwise kernels: worked examples in float32 and float64, broadcasting, NaN, errors. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DType, FloatDType, Shape, UnaryOp } from '../backend.js';
import { allocate, broadcastShapes, sizeOf, stridesOf } from '../shape.js';
import { binary, cast, compare, unary, where } from './elementwise.js';
import type { RTensor } from './tensor.js';

const t = (values: readonly number[], shape: Shape, dtype: DType = 'float64'): RTensor => {
  const data = allocate(dtype, values.length);
  data.set(values);
  return { data, shape, dtype };
};
const vals = (x: RTensor): number[] => Array.from(x.data);
const FLOATS: readonly FloatDType[] = ['float32', 'float64'];

/** Worked values: `[op, x, f(x)]`, f(x) from the definition (hand-checked constants). */
const UNARY_CASES: readonly [UnaryOp, readonly number[], readonly number[]][] = [
  ['neg', [1.5, -2, 0], [-1.5, 2, -0]],
  ['abs', [-3, 2.5, -0], [3, 2.5, 0]],
  ['sign', [-3, 0, 7, -0], [-1, 0, 1, 0]],
  ['exp', [0, 1, -1], [1, Math.E, 1 / Math.E]],
  ['expm1', [0, 1e-10], [0, 1.00000000005e-10]],
  ['log', [1, Math.E, 0], [0, 1, -Infinity]],
  ['log1p', [0, 1e-10, Math.E - 1], [0, 9.9999999995e-11, 1]],
  ['sqrt', [4, 2, 0], [2, Math.SQRT2, 0]],
  ['rsqrt', [4, 0.25], [0.5, 2]],
  ['square', [-3, 0.5], [9, 0.25]],
  ['reciprocal', [4, -0.5], [0.25, -2]],
  ['sin', [0, Math.PI / 2], [0, 1]],
  ['cos', [0, Math.PI], [1, -1]],
  ['tanh', [0, 1, -20], [0, 0.7615941559557649, -1]],
  ['sigmoid', [0, 2, -2], [0.5, 0.8807970779778823, 0.11920292202211755]],
  ['relu', [-1, 0, 2.5], [0, 0, 2.5]],
  ['floor', [1.7, -1.2, 3], [1, -2, 3]],
  ['ceil', [1.2, -1.7, 3], [2, -1, 3]],
  ['round', [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6], [0, 2, 2, -0, -2, -2, 2, 3, -3]],
];

describe('unary', () => {
  for (const dtype of FLOATS) {
    it.each(UNARY_CASES)(`%s on worked values (${dtype})`, (op, x, y) => {
      const out = unary(op, t(x, [x.length], dtype));
      expect(out.dtype).toBe(dtype);
      expect(out.shape).toEqual([x.length]);
      const tol = dtype === 'float64' ? 1e-15 : 1e-7;
      vals(out).forEach((v, i) => {
        const want = y[i]!;
        if (Number.isFinite(want)) expect(Math.abs(v - want)).toBeLessThanOrEqual(tol * (Math.abs(want) || 1));
        else expect(v).toBe(want);
      });
    });
  }

  it('stores float32 results rounded to float32', () => {
    const out = unary('exp', t([1], [], 'float32'));
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.data[0]).toBe(Math.fround(Math.E));
  });

  it('sigmoid is finite and accurate for large |x|', () => {
    const out = vals(unary('sigmoid', t([-800, -40, 40, 800], [4])));
    expect(out[0]).toBe(0);
    expect(out[1]! / 4.248354255291589e-18).toBeCloseTo(1, 12);
    expect(out[2]).toBe(1);
    expect(out[3]).toBe(1);
  });

  it.each(UNARY_CASES.map(([op]) => op))('%s maps NaN to NaN', (op) => {
    expect(vals(unary(op, t([Number.NaN], [1])))).toEqual([Number.NaN]);
  });

  it('rejects int32', () => {
    expect(() => unary('exp', t([1], [1], 'int32'))).toThrow(/^reference\.unary: /);
  });
});

/** `y[idx] = f(a[idx mod a.shape], b[idx mod b.shape])` computed from multi-indices, independently of the kernel. */
function naiveBroadcast(f: (x: number, y: number) => number, a: RTensor, b: RTensor): number[] {
  const shape = broadcastShapes(a.shape, b.shape)!;
  const read = (x: RTensor, idx: number[]): number => {
    const s = stridesOf(x.shape);
    const lead = shape.length - x.shape.length;
    let k = 0;
    x.shape.forEach((d, i) => {
      k += (d === 1 ? 0 : idx[i + lead]!) * s[i]!;
    });
    return x.data[k]!;
  };
  const out: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = shape.map((_, a) => Math.floor(i / stridesOf(shape)[a]!) % shape[a]!);
    out.push(f(read(a, idx), read(b, idx)));
  }
  return out;
}

const arbShapePair = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom('both', 'a1', 'b1')), { maxLength: 4 })
  .chain((dims) =>
    fc.tuple(fc.integer({ min: 0, max: dims.length }), fc.integer({ min: 0, max: dims.length })).map(([da, db]) => {
      const a = dims.map(([d, k]) => (k === 'a1' ? 1 : d)).slice(da);
      const b = dims.map(([d, k]) => (k === 'b1' ? 1 : d)).slice(db);
      return [a, b] as const;
    }),
  );

describe('binary', () => {
  it('adds with broadcasting [2,1] + [3] -> [2,3]', () => {
    const y = binary('add', t([10, 20], [2, 1]), t([1, 2, 3], [3]));
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([11, 12, 13, 21, 22, 23]);
  });

  it('broadcasts rank 0 against any shape, on either side', () => {
    expect(vals(binary('sub', t([10], []), t([1, 2, 3, 4], [2, 2])))).toEqual([9, 8, 7, 6]);
    const y = binary('div', t([1, 2, 3, 4], [2, 2]), t([2], []));
    expect(y.shape).toEqual([2, 2]);
    expect(vals(y)).toEqual([0.5, 1, 1.5, 2]);
    expect(binary('mul', t([3], []), t([4], [])).shape).toEqual([]);
  });

  it('computes each op on worked values (float32 and float64)', () => {
    for (const dtype of FLOATS) {
      const a = t([2, -3, 0.5], [3], dtype);
      const b = t([3, 2, 4], [3], dtype);
      expect(vals(binary('pow', a, b))).toEqual([8, 9, 0.0625]);
      expect(vals(binary('maximum', a, b))).toEqual([3, 2, 4]);
      expect(vals(binary('minimum', a, b))).toEqual([2, -3, 0.5]);
      expect(vals(binary('div', a, b))[0]).toBe(dtype === 'float32' ? Math.fround(2 / 3) : 2 / 3);
      expect(binary('add', a, b).dtype).toBe(dtype);
    }
  });

  it('propagates NaN, including through maximum and minimum', () => {
    const a = t([Number.NaN, 1, Number.NaN], [3]);
    const b = t([1, Number.NaN, 0], [3]);
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
      expect(vals(binary(op, a, b)).every(Number.isNaN)).toBe(true);
    }
  });

  it('truncates int32 division on store', () => {
    expect(vals(binary('div', t([7, -7], [2], 'int32'), t([2, 2], [2], 'int32')))).toEqual([3, -3]);
  });

  it('rejects mismatched dtypes and shapes', () => {
    expect(() => binary('add', t([1], [1]), t([1], [1], 'float32'))).toThrow(/^reference\.binary: dtype mismatch/);
    expect(() => binary('add', t([1, 2], [2]), t([1, 2, 3], [3]))).toThrow(/^reference\.binary: /);
  });

  test.prop([arbShapePair, fc.integer()])('matches a multi-index definition of broadcasting', ([sa, sb], seed) => {
    const a = t(
      Array.from({ length: sizeOf(sa) }, (_, i) => (seed % 97) + i),
      sa,
    );
    const b = t(
      Array.from({ length: sizeOf(sb) }, (_, i) => 1000 * (i + 1)),
      sb,
    );
    const y = binary('sub', a, b);
    expect(y.shape).toEqual(broadcastShapes(sa, sb));
    expect(vals(y)).toEqual(naiveBroadcast((x, z) => x - z, a, b));
  });
});

describe('compare', () => {
  it('returns 1/0 in the inputs dtype with broadcasting', () => {
    const a = t([1, 2, 3], [3], 'float32');
    const b = t([2], [], 'float32');
    const cases = {
      equal: [0, 1, 0],
      notEqual: [1, 0, 1],
      less: [1, 0, 0],
      lessEqual: [1, 1, 0],
      greater: [0, 0, 1],
      greaterEqual: [0, 1, 1],
    } as const;
    for (const [op, want] of Object.entries(cases) as [keyof typeof cases, readonly number[]][]) {
      const y = compare(op, a, b);
      expect(y.dtype).toBe('float32');
      expect(vals(y)).toEqual(want);
    }
  });

  it('treats NaN as unequal to everything', () => {
    const nan = t([Number.NaN], []);
    expect(vals(compare('equal', nan, nan))).toEqual([0]);
    expect(vals(compare('notEqual', nan, nan))).toEqual([1]);
    expect(vals(compare('lessEqual', nan, t([1], [])))).toEqual([0]);
  });
});

describe('where', () => {
  it('selects a where cond is non-zero, broadcasting all three', () => {
    const cond = t([1, 0], [2, 1]);
    const y = where(cond, t([1, 2, 3], [3]), t([-1], []));
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([1, 2, 3, -1, -1, -1]);
  });

  it('keeps a dtype and accepts an int32 condition', () => {
    const y = where(t([0, 5], [2], 'int32'), t([1.5, 2.5], [2], 'float32'), t([7, 8], [2], 'float32'));
    expect(y.dtype).toBe('float32');
    expect(vals(y)).toEqual([7, 2.5]);
  });
});

describe('cast', () => {
  it('truncates float to int32 toward zero', () => {
    const y = cast(t([-1.7, 1.7, 2.5, -0.5, 3], [5]), 'int32');
    expect(y.dtype).toBe('int32');
    expect(y.data).toBeInstanceOf(Int32Array);
    expect(vals(y)).toEqual([-1, 1, 2, 0, 3]);
  });

  it('rounds float64 to float32 and widens int32 exactly', () => {
    expect(vals(cast(t([0.1], [1]), 'float32'))).toEqual([Math.fround(0.1)]);
    expect(vals(cast(t([2 ** 31 - 1], [1], 'int32'), 'float64'))).toEqual([2 ** 31 - 1]);
  });
});
