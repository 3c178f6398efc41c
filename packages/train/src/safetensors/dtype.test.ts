/** @file dtype table and byte sizes. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { byteSize, DTYPE_BITS, isSafeDType, SAFE_DTYPES } from './dtype.js';

describe('dtypes', () => {
  it('lists the spec names with their widths', () => {
    expect(SAFE_DTYPES).toHaveLength(20);
    expect([DTYPE_BITS.F64, DTYPE_BITS.BF16, DTYPE_BITS.BOOL, DTYPE_BITS.F4, DTYPE_BITS.F6_E3M2]).toEqual([
      64, 16, 8, 4, 6,
    ]);
  });

  it('recognises only own table keys', () => {
    expect(SAFE_DTYPES.every(isSafeDType)).toBe(true);
    for (const s of ['f32', 'constructor', '__proto__', 'hasOwnProperty', '']) expect(isSafeDType(s)).toBe(false);
  });

  test.prop([fc.constantFrom(...SAFE_DTYPES), fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 })])(
    'byteSize is prod(shape) * bits / 8 for small shapes',
    (dtype, shape) => {
      const elements = shape.reduce((a, b) => a * b, 1);
      const bits = elements * DTYPE_BITS[dtype];
      const size = byteSize(dtype, shape);
      if (bits % 8 === 0) expect(size).toEqual({ ok: true, elements, bytes: bits / 8 });
      else expect(size).toEqual({ ok: false, reason: 'misaligned', elements, bits });
    },
  );

  it('reports overflow past 2^53 and gives 0 for any zero dimension', () => {
    expect(byteSize('U8', [2 ** 27, 2 ** 27])).toEqual({ ok: false, reason: 'overflow' });
    expect(byteSize('F64', [2 ** 26, 2 ** 26])).toEqual({ ok: false, reason: 'overflow' });
    expect(byteSize('F64', [2 ** 40, 2 ** 40, 0])).toEqual({ ok: true, elements: 0, bytes: 0 });
    expect(byteSize('F64', [2 ** 49])).toEqual({ ok: true, elements: 2 ** 49, bytes: 2 ** 52 });
    expect(byteSize('F4', [2 ** 51])).toEqual({ ok: false, reason: 'overflow' });
  });
});
