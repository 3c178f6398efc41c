/** @file Threefry-2x32-20 against published known answers, and the bulk fills against the single block. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { threefry2x32, threefry2x32Fill, threefry2x32FillXor } from './threefry.js';

const u32 = fc.nat({ max: 0xffffffff });

describe('threefry2x32', () => {
  // Known-answer vectors for threefry2x32 with 20 rounds from Random123's tests/kat_vectors
  // (D. E. Shaw Research; line format "name rounds ctr0 ctr1 key0 key1 out0 out1"); JAX's
  // random_test.py testThreefry2x32 checks the same three.
  it.each([
    { key: [0x00000000, 0x00000000], ctr: [0x00000000, 0x00000000], out: [0x6b200159, 0x99ba4efe] },
    { key: [0xffffffff, 0xffffffff], ctr: [0xffffffff, 0xffffffff], out: [0x1cb996fc, 0xbb002be7] },
    // The pi-digits vector: counter 243f6a88 85a308d3, key 13198a2e 03707344.
    { key: [0x13198a2e, 0x03707344], ctr: [0x243f6a88, 0x85a308d3], out: [0xc4923a9c, 0x483df7a0] },
  ])('matches the Random123 known answer for key $key, counter $ctr', ({ key, ctr, out }) => {
    expect(threefry2x32(key[0]!, key[1]!, ctr[0]!, ctr[1]!)).toEqual(out);
  });

  it("reproduces JAX's original-layout random_bits(PRNGKey(1701), 32, (3,))", () => {
    // JAX's random_test.py testRngRandomBits (non-partitionable layout): expected [56197195, 4200222568,
    // 961309823]. That layout hashes counters [0, 1, 2, pad 0] as pairs (0, 2), (1, 0) and returns
    // [first words..., second words...][:3]. PRNGKey(1701) is the key (0, 1701).
    const a = threefry2x32(0, 1701, 0, 2);
    const b = threefry2x32(0, 1701, 1, 0);
    expect([a[0], b[0], a[1]]).toEqual([56197195, 4200222568, 961309823]);
  });

  it('returns uint32 numbers', () => {
    for (const w of threefry2x32(0xffffffff, 1, 2, 0xfffffffe)) {
      expect(Number.isInteger(w) && w >= 0 && w <= 0xffffffff).toBe(true);
    }
  });

  it.each([
    [-1, 0, 0, 0],
    [0, 2 ** 32, 0, 0],
    [0, 0, 1.5, 0],
    [0, 0, 0, Number.NaN],
  ])('rejects a non-uint32 argument %#', (k0, k1, c0, c1) => {
    expect(() => threefry2x32(k0, k1, c0, c1)).toThrow(/threefry2x32: (k0|k1|c0|c1) must be a uint32/);
  });
});

describe('threefry2x32Fill', () => {
  test.prop([u32, u32, fc.nat({ max: 2 ** 40 }), fc.integer({ min: 0, max: 20 })])(
    'block j equals threefry2x32(k, hi(start + j), lo(start + j))',
    (k0, k1, start, count) => {
      const out = threefry2x32Fill(k0, k1, start, new Uint32Array(2 * count));
      for (let j = 0; j < count; j++) {
        const c = start + j;
        expect([out[2 * j], out[2 * j + 1]]).toEqual(threefry2x32(k0, k1, Math.floor(c / 2 ** 32), c % 2 ** 32));
      }
    },
  );

  it('carries from the low counter word into the high one', () => {
    const out = threefry2x32Fill(7, 9, 2 ** 32 - 1, new Uint32Array(4));
    expect(Array.from(out)).toEqual([...threefry2x32(7, 9, 0, 0xffffffff), ...threefry2x32(7, 9, 1, 0)]);
  });

  it('rejects odd lengths and bad counters', () => {
    expect(() => threefry2x32Fill(0, 0, 0, new Uint32Array(3))).toThrow(/threefry2x32Fill: out.length must be even/);
    expect(() => threefry2x32Fill(0, 0, -1, new Uint32Array(2))).toThrow(/threefry2x32Fill: start must be/);
    expect(() => threefry2x32Fill(0, 0, 2 ** 53 - 1, new Uint32Array(4))).toThrow(/exceed 2\^53/);
  });
});

describe('threefry2x32FillXor', () => {
  test.prop([u32, u32, fc.nat({ max: 2 ** 40 }), fc.integer({ min: 0, max: 20 })])(
    'word j is y0 xor y1 of the block for counter start + j',
    (k0, k1, start, count) => {
      const xor = threefry2x32FillXor(k0, k1, start, new Uint32Array(count));
      const pairs = threefry2x32Fill(k0, k1, start, new Uint32Array(2 * count));
      for (let j = 0; j < count; j++) expect(xor[j]).toBe((pairs[2 * j]! ^ pairs[2 * j + 1]!) >>> 0);
    },
  );
});
