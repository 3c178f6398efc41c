import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { canLoad, convertEntry, halfToNumber, int64Entry } from './convert.js';
import type { SafetensorsEntry } from './parse.js';

const entry = (dtype: SafetensorsEntry['dtype'], bytes: Uint8Array, shape = [bytes.length]): SafetensorsEntry => ({
  name: 't',
  dtype,
  shape,
  bytes,
});
const u16 = (...xs: number[]): Uint8Array => new Uint8Array(new Uint16Array(xs).buffer);

describe('halfToNumber (IEEE 754 binary16)', () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504], // the largest finite half
    [0x0400, 2 ** -14], // the smallest normal
    [0x0001, 2 ** -24], // the smallest subnormal
    [0x03ff, 1023 * 2 ** -24], // the largest subnormal
    [0x7c00, Number.POSITIVE_INFINITY],
    [0xfc00, Number.NEGATIVE_INFINITY],
  ])('0x%s is %s', (bits, value) => {
    expect(halfToNumber(bits)).toBe(value);
  });

  it('keeps the sign of zero and gives NaN for NaN patterns', () => {
    expect(Object.is(halfToNumber(0x8000), -0)).toBe(true);
    expect(halfToNumber(0x7e00)).toBeNaN();
    expect(halfToNumber(0xfc01)).toBeNaN();
  });

  test.prop([fc.float({ noNaN: true, min: -65504, max: 65504 })])('is exact for every value a half holds', (x) => {
    // Round x to half by its float32 bits: a half is exactly representable in float32.
    const h = halfToNumber(Number.parseInt(toHalfBits(x), 2));
    expect(Math.fround(h)).toBe(h);
    expect(Math.abs(h - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -10, 2 ** -24));
  });
});

/** Round-toward-zero binary16 bits of x (enough for the bound above). */
function toHalfBits(x: number): string {
  const sign = x < 0 || Object.is(x, -0) ? 1 : 0;
  const a = Math.abs(x);
  let exponent = a === 0 ? -15 : Math.max(Math.floor(Math.log2(a)), -15);
  if (a !== 0 && 2 ** exponent > a) exponent--;
  if (exponent < -14)
    return `${sign}00000${Math.floor(a / 2 ** -24)
      .toString(2)
      .padStart(10, '0')}`;
  const fraction = Math.floor((a / 2 ** exponent - 1) * 1024);
  return `${sign}${(exponent + 15).toString(2).padStart(5, '0')}${fraction.toString(2).padStart(10, '0')}`;
}

describe('convertEntry', () => {
  it('reads BF16 as the upper half of a float32', () => {
    const out = convertEntry(entry('BF16', u16(0x3f80, 0xc040, 0x3e80), [3]), 'float32');
    expect(out.ok && Array.from(out.data)).toEqual([1, -3, 0.25]);
  });

  it('reads F16 into float64 exactly and F64 into float32 rounded to nearest', () => {
    const half = convertEntry(entry('F16', u16(0x3555), [1]), 'float64');
    expect(half.ok && half.data[0]).toBe(0.333251953125);
    const wide = convertEntry(entry('F64', new Uint8Array(new Float64Array([0.1]).buffer), [1]), 'float32');
    expect(wide.ok && wide.data).toEqual(new Float32Array([0.1]));
  });

  it('reads misaligned bytes (a view at an odd offset) by copying them', () => {
    const buffer = new Uint8Array(9);
    buffer.set(new Uint8Array(new Float32Array([1.5, -2]).buffer), 1);
    const out = convertEntry(entry('F32', buffer.subarray(1), [2]), 'float32');
    expect(out.ok && Array.from(out.data)).toEqual([1.5, -2]);
  });

  it('loads I64 into int32 when every value fits, and names the first that does not', () => {
    const fits = convertEntry(entry('I64', new Uint8Array(new BigInt64Array([5n, -(2n ** 31n)]).buffer), [2]), 'int32');
    expect(fits.ok && Array.from(fits.data)).toEqual([5, -(2 ** 31)]);
    const big = convertEntry(entry('I64', new Uint8Array(new BigInt64Array([1n, 2n ** 31n]).buffer), [2]), 'int32');
    expect(big).toEqual({ ok: false, index: 1, value: 2n ** 31n });
  });

  it('refuses a conversion across kinds', () => {
    expect(canLoad('I64', 'float32')).toBe(false);
    expect(canLoad('F32', 'int32')).toBe(false);
    expect(canLoad('U8', 'float32')).toBe(false);
    expect(() => convertEntry(entry('F32', new Uint8Array(4), [1]), 'int32')).toThrow(/cannot load F32 as int32/);
  });

  it('int64Entry writes int32 values as little-endian I64', () => {
    const e = int64Entry('n', [], new Int32Array([-3]));
    expect(e.dtype).toBe('I64');
    expect(new BigInt64Array(e.bytes.buffer)[0]).toBe(-3n);
  });
});
