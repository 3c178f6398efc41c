/**
 * @file The wasm backend's own data-movement loops against the reference: float32 takeAlongAxis and
 * scatterAddAlongAxis (any axis, repeated indices, the error on an index outside the axis), and
 * broadcastTo in runs (every dtype, random shapes with size-1 and missing leading dims, bad shapes).
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { rand, shapeAndAxis } from '../../test/arbitraries.js';
import { reference } from '../reference/index.js';
import { createWasmBackend } from './index.js';

const b = createWasmBackend({ threads: 1 });
afterAll(() => b.destroy());

describe('wasm takeAlongAxis and scatterAddAlongAxis', () => {
  test.prop([fc.record({ sa: shapeAndAxis(1, 4, 5), m: fc.integer({ min: 1, max: 6 }), seed: fc.nat(1000) })], {
    numRuns: 60,
  })('agree with the reference on random shapes, axes and repeated indices', ({ sa: { s, axis }, m, seed }) => {
    const idxShape = s.map((d, a) => (a === axis ? m : d));
    const idx = rand(idxShape, seed + 1, { lo: 0, hi: s[axis]! - 1, ints: true }, 'int32').values;
    const x = rand(s, seed).values;
    const take = b.kernels.takeAlongAxis(b.upload(x, s), b.upload(idx, idxShape), axis);
    const wantTake = reference.kernels.takeAlongAxis(reference.upload(x, s), reference.upload(idx, idxShape), axis);
    expect(take.shape).toEqual(wantTake.shape);
    expect([...b.read(take)]).toEqual([...reference.read(wantTake)]);
    const upd = rand(idxShape, seed + 2).values;
    const size = s[axis]!;
    const got = b.read(b.kernels.scatterAddAlongAxis(b.upload(upd, idxShape), b.upload(idx, idxShape), axis, size));
    const want = reference.read(
      reference.kernels.scatterAddAlongAxis(
        reference.upload(upd, idxShape),
        reference.upload(idx, idxShape),
        axis,
        size,
      ),
    );
    // Repeated indices sum in float32 here and in float64 in the reference: equal up to rounding.
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
  });

  it('throws on an index outside the axis, naming the kernel', () => {
    const x = b.upload(new Float32Array(6), [2, 3]);
    const bad = b.upload(Int32Array.from([0, 3]), [2, 1]);
    expect(() => b.kernels.takeAlongAxis(x, bad, 1)).toThrow(/wasm\.takeAlongAxis: index 3 outside \[0, 3\)/);
    const upd = b.upload(new Float32Array(2), [2, 1]);
    expect(() => b.kernels.scatterAddAlongAxis(upd, bad, 1, 3)).toThrow(/wasm\.scatterAddAlongAxis: index 3/);
  });
});

describe('wasm broadcastTo', () => {
  // A target shape of rank 1-5, and an input that keeps some of its trailing dims and sets others to 1.
  const cases = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }).chain((out) =>
    fc.record({
      out: fc.constant(out),
      lead: fc.integer({ min: 0, max: out.length }),
      ones: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      dtype: fc.constantFrom('float32' as const, 'float64' as const, 'int32' as const),
      seed: fc.nat(1000),
    }),
  );
  test.prop([cases], { numRuns: 100 })('agrees exactly with the reference', ({ out, lead, ones, dtype, seed }) => {
    const s = out.slice(lead).map((d, a) => (ones[a + lead] ? 1 : d));
    const x = rand(s, seed, { lo: -9, hi: 9, ints: dtype === 'int32' }, dtype).values;
    const got = b.kernels.broadcastTo(b.upload(x, s), out);
    const want = reference.kernels.broadcastTo(reference.upload(x, s), out);
    expect(got.shape).toEqual(out);
    expect(got.dtype).toBe(dtype);
    expect([...b.read(got)]).toEqual([...reference.read(want)]);
  });

  it('throws on shapes that do not broadcast, naming the kernel', () => {
    const x = b.upload(new Float32Array(6), [2, 3]);
    expect(() => b.kernels.broadcastTo(x, [4, 3, 2])).toThrow(
      /wasm\.broadcastTo: cannot broadcast \[2,3\] to \[4,3,2\]/,
    );
    expect(() => b.kernels.broadcastTo(x, [3])).toThrow(/wasm\.broadcastTo: cannot broadcast/);
  });
});
