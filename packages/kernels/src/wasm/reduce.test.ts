/**
 * @file wasm reduce (both loop shapes: innermost dim reduced or kept, up to three runs of each kind),
 * softmax/logSoftmax along every axis (contiguous rows and four lines per vector), and pooling, against
 * the reference; plus NaN and empty-reduction semantics.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { poolCase, rand, shape } from '../../test/arbitraries.js';
import type { AvgPool2dAttrs, Pool2dAttrs, ReduceOp, Shape, TypedArray } from '../backend.js';
import { reference } from '../reference/index.js';
import { createWasmBackend, TINY_TUNING } from './index.js';

const one = createWasmBackend({ threads: 1 });
const tiny = createWasmBackend({ threads: 2, tuning: TINY_TUNING, minParallelNs: 0 });
afterAll(() => {
  one.destroy();
  tiny.destroy();
});

function expectClose(got: TypedArray, want: TypedArray, rtol: number, atol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) expect.fail(`${what}: element ${i} is ${g}, reference ${w}`);
  }
}

/** Every subset of the axes of `s`, as sorted lists. */
const subsets = (rank: number): number[][] =>
  [...new Array(1 << rank).keys()].map((m) => [...new Array(rank).keys()].filter((a) => (m >> a) & 1));

describe('wasm reduce', () => {
  const shapes: Shape[] = [[37], [5, 9], [3, 1, 7, 6], [2, 3, 4, 5, 6], [64, 6, 28, 28]];
  for (const s of shapes) {
    it(`sum/max/min over every axis subset of ${JSON.stringify(s)}`, () => {
      const x = rand(s, s.length).values;
      for (const axes of subsets(s.length)) {
        for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
          const want = reference.kernels.reduce(op, reference.upload(x, s), axes);
          for (const b of [one, tiny]) {
            const got = b.kernels.reduce(op, b.upload(x, s), axes);
            expect(got.shape).toEqual(want.shape);
            expectClose(b.read(got), reference.read(want), 1e-5, 1e-5, `${op} ${JSON.stringify(axes)} ${b.mode}`);
          }
        }
      }
    });
  }

  it('a million-element sum stays accurate (float64 accumulation)', () => {
    const n = 1 << 20;
    const x = new Float32Array(n).fill(0.1);
    const got = one.read(one.kernels.reduce('sum', one.upload(x, [n]), [0]));
    expect(Math.abs(got[0]! - n * Math.fround(0.1)) / (n * 0.1)).toBeLessThan(1e-7);
  });

  it('NaN wins max/min; an empty reduction gives the identity', () => {
    const x = Float32Array.from([1, Number.NaN, 3, 2, 5, 4]);
    const got = one.read(one.kernels.reduce('max', one.upload(x, [2, 3]), [1]));
    expect(Number.isNaN(got[0]!)).toBe(true);
    expect(got[1]).toBe(5);
    const e = one.kernels.reduce('min', one.upload(new Float32Array(0), [3, 0]), [1]);
    expect([...one.read(e)]).toEqual([Infinity, Infinity, Infinity]);
  });
});

describe('wasm softmax and logSoftmax', () => {
  test.prop([fc.record({ s: shape(1, 4, 9), axis: fc.nat(3), seed: fc.nat(1000) })], { numRuns: 40 })(
    'agree with the reference on random shapes and axes',
    ({ s, axis, seed }) => {
      const a = axis % s.length;
      const x = rand(s, seed, { lo: -30, hi: 30 }).values;
      for (const log of [false, true]) {
        const want = reference.read(
          log
            ? reference.kernels.logSoftmax(reference.upload(x, s), a)
            : reference.kernels.softmax(reference.upload(x, s), a),
        );
        for (const b of [one, tiny]) {
          const got = b.read(log ? b.kernels.logSoftmax(b.upload(x, s), a) : b.kernels.softmax(b.upload(x, s), a));
          expectClose(got, want, 1e-5, 1e-6, `${log ? 'logSoftmax' : 'softmax'} axis ${a} ${b.mode}`);
        }
      }
    },
  );

  it('stays finite for large logits and gives NaN rows for NaN input', () => {
    const x = Float32Array.from([1000, 999, -1000, 3, Number.NaN, 1, 2, 3]);
    const y = one.read(one.kernels.softmax(one.upload(x, [2, 4]), 1));
    expect(y[0]! + y[1]! + y[2]! + y[3]!).toBeCloseTo(1, 6);
    expect([...y.slice(4)].every(Number.isNaN)).toBe(true);
    const l = one.read(one.kernels.logSoftmax(one.upload(x, [2, 4]), 1));
    expect(l[2]).toBeCloseTo(-2000 - Math.log1p(Math.exp(-1)), 3);
  });
});

describe('wasm pooling', () => {
  test.prop([fc.record({ c: poolCase(), seed: fc.nat(1000), include: fc.boolean() })], { numRuns: 40 })(
    'maxPool2d, avgPool2d and avgPool2dBackward agree with the reference',
    ({ c, seed, include }) => {
      const x = rand(c.x, seed, { lo: -2, hi: 2, ints: true }).values;
      const dy = rand(c.y, seed + 1).values;
      const pa: Pool2dAttrs = c.attrs;
      const aa: AvgPool2dAttrs = { ...c.attrs, countIncludePad: include };
      for (const b of [one, tiny]) {
        const max = b.kernels.maxPool2d(b.upload(x, c.x), pa);
        const wantMax = reference.kernels.maxPool2d(reference.upload(x, c.x), pa);
        expect(max.indices.dtype).toBe('int32');
        expect([...b.read(max.indices)]).toEqual([...reference.read(wantMax.indices)]);
        expect(max.values.dtype).toBe('float32');
        expect([...b.read(max.values)]).toEqual([...reference.read(wantMax.values)]);
        const avg = b.read(b.kernels.avgPool2d(b.upload(x, c.x), aa));
        expectClose(avg, reference.read(reference.kernels.avgPool2d(reference.upload(x, c.x), aa)), 1e-6, 1e-7, 'avg');
        const back = b.read(b.kernels.avgPool2dBackward(b.upload(dy, c.y), c.x, aa));
        const want = reference.read(reference.kernels.avgPool2dBackward(reference.upload(dy, c.y), c.x, aa));
        expectClose(back, want, 1e-6, 1e-7, 'avg backward');
      }
    },
  );

  it('a 2x2 max pool over a LeNet-sized batch', () => {
    const s: Shape = [64, 6, 28, 28];
    const x = rand(s, 5).values;
    const attrs: Pool2dAttrs = { kernel: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1] };
    const want = reference.kernels.maxPool2d(reference.upload(x, s), attrs);
    const got = tiny.kernels.maxPool2d(tiny.upload(x, s), attrs);
    expect([...tiny.read(got.indices)]).toEqual([...reference.read(want.indices)]);
    expect([...tiny.read(got.values)]).toEqual([...reference.read(want.values)]);
  });
});
