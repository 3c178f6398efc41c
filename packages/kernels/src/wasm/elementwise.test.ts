/**
 * @file wasm unary/binary/compare/where against the reference: the vector exp, tanh and sigmoid over
 * their whole float32 range with the special values (±0, ±∞, NaN, subnormal results, overflow), lengths
 * that leave vector tails, broadcast patterns that collapse in different ways (a rank-7 one that cannot
 * runs the reference loops), and the JavaScript paths for float64 and int32.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { broadcastSet, rand } from '../../test/arbitraries.js';
import type { BinaryOp, CompareOp, Shape, TypedArray, UnaryOp } from '../backend.js';
import { reference } from '../reference/index.js';
import { sizeOf } from '../shape.js';
import { collapse } from './elementwise.js';
import { createWasmBackend, TINY_TUNING } from './index.js';

const one = createWasmBackend({ threads: 1 });
const tiny = createWasmBackend({ threads: 2, tuning: TINY_TUNING, minParallelNs: 0 });
afterAll(() => {
  one.destroy();
  tiny.destroy();
});

/** Relative error in units of float32 epsilon, with an absolute floor for results near 0. */
function expectClose(got: TypedArray, want: TypedArray, rtol: number, atol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) expect.fail(`${what}: element ${i} is ${g}, reference NaN`);
    } else if (g !== w && !(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      expect.fail(`${what}: element ${i} is ${g}, reference ${w}`);
    }
  }
}

const SPECIAL = [0, -0, Infinity, -Infinity, Number.NaN, 1e-30, -1e-30, 88.7, 88.8, -87.3, -103, -104, 1e-7, -1e-7];

/** 1001 values spread over [-120, 120] (most within ±20) plus the special values. */
function sweep(): Float32Array {
  const v: number[] = [...SPECIAL];
  for (let i = 0; i <= 1000; i++) {
    const t = (i - 500) / 500;
    v.push(t * Math.abs(t) * 120);
  }
  return Float32Array.from(v);
}

const UNARY: readonly UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'floor',
  'ceil',
  'round',
];

describe('wasm unary', () => {
  for (const op of UNARY) {
    it(`${op} over the float32 range with special values, rtol 2e-6 (a few ulp)`, () => {
      const x = sweep();
      const want = reference.read(reference.kernels.unary(op, reference.upload(x, [x.length])));
      for (const b of [one, tiny]) {
        const got = b.read(b.kernels.unary(op, b.upload(x, [x.length])));
        expectClose(got, want, 2e-6, 1e-37, `${op} on ${b.mode}`);
      }
    });
  }

  it('lengths 1..9 (vector tails)', () => {
    for (let n = 1; n <= 9; n++) {
      const x = rand([n], n, { lo: -3, hi: 3 }).values;
      for (const op of ['exp', 'tanh', 'relu', 'log1p'] as const) {
        const want = reference.read(reference.kernels.unary(op, reference.upload(x, [n])));
        expectClose(one.read(one.kernels.unary(op, one.upload(x, [n]))), want, 2e-6, 1e-37, `${op} n=${n}`);
      }
    }
  });

  it('float64 runs the reference loops exactly', () => {
    const x = Float64Array.from(sweep());
    const got = one.kernels.unary('tanh', one.upload(x, [x.length]));
    expect(got.dtype).toBe('float64');
    expect([...one.read(got)]).toEqual([...reference.kernels.unary('tanh', reference.upload(x, [x.length])).data]);
  });
});

const BINARY: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const COMPARE: readonly CompareOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

function both(shapeA: Shape, shapeB: Shape, seed: number, ints = false): [Float32Array, Float32Array] {
  const dom = ints ? { lo: -2, hi: 2, ints: true } : { lo: 0.1, hi: 3 };
  return [rand(shapeA, seed, dom).values as Float32Array, rand(shapeB, seed + 1, dom).values as Float32Array];
}

describe('wasm binary, compare, where', () => {
  const patterns: [Shape, Shape][] = [
    [
      [7, 5],
      [7, 5],
    ],
    [
      [4, 3, 9, 9],
      [1, 3, 1, 1],
    ],
    [[4, 3, 9, 9], []],
    [
      [33, 1],
      [1, 17],
    ],
    [
      [2, 1, 3, 1, 5],
      [4, 1, 6, 1],
    ],
    [
      [1000, 3],
      [1000, 1],
    ],
    [
      [2, 2, 1, 2, 1, 2, 3],
      [2, 1, 2, 1, 2, 1, 3],
    ],
  ];
  for (const [sa, sb] of patterns) {
    it(`broadcast ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`, () => {
      const [a, b] = both(sa, sb, sizeOf(sa));
      for (const op of BINARY) {
        const want = reference.read(reference.kernels.binary(op, reference.upload(a, sa), reference.upload(b, sb)));
        for (const be of [one, tiny]) {
          const got = be.read(be.kernels.binary(op, be.upload(a, sa), be.upload(b, sb)));
          expectClose(got, want, 1e-6, 0, `${op} on ${be.mode}`);
        }
      }
      const [ia, ib] = both(sa, sb, 3, true);
      for (const op of COMPARE) {
        const want = reference.read(reference.kernels.compare(op, reference.upload(ia, sa), reference.upload(ib, sb)));
        const got = tiny.read(tiny.kernels.compare(op, tiny.upload(ia, sa), tiny.upload(ib, sb)));
        expect([...got], op).toEqual([...want]);
      }
    });
  }

  it('collapses broadcasts to few dims, and gives up beyond six', () => {
    expect(
      collapse(
        [
          [4, 3, 9, 9],
          [1, 3, 1, 1],
        ],
        [4, 3, 9, 9],
      )?.shape,
    ).toEqual([1, 1, 1, 4, 3, 81]);
    expect(
      collapse(
        [
          [7, 5],
          [7, 5],
        ],
        [7, 5],
      )?.strides,
    ).toEqual([
      [0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 1],
    ]);
    const rank7: Shape = [2, 2, 2, 2, 2, 2, 2];
    const alternate: Shape = [2, 1, 2, 1, 2, 1, 2];
    expect(collapse([rank7, alternate], rank7)).toBeNull();
  });

  test.prop([fc.record({ shapes: broadcastSet(3), seed: fc.nat(1000) })], { numRuns: 40 })(
    'where with random broadcasts (float32, int32 and float64 conditions)',
    ({ shapes: [sc, sa, sb], seed }) => {
      const c = rand(sc!, seed, { lo: -1, hi: 1, ints: true }).values;
      const [a, b] = both(sa!, sb!, seed + 2);
      for (const cond of [c, Int32Array.from(c), Float64Array.from(c)]) {
        const want = reference.kernels.where(
          reference.upload(cond, sc!),
          reference.upload(a, sa!),
          reference.upload(b, sb!),
        );
        const got = tiny.kernels.where(tiny.upload(cond, sc!), tiny.upload(a, sa!), tiny.upload(b, sb!));
        expect(got.shape).toEqual(want.shape);
        expect([...tiny.read(got)]).toEqual([...want.data]);
      }
    },
  );

  it('NaN propagates through maximum/minimum and compares like IEEE', () => {
    const a = Float32Array.from([Number.NaN, 1, Number.NaN, -0]);
    const b = Float32Array.from([1, Number.NaN, Number.NaN, 0]);
    const ta = one.upload(a, [4]);
    const tb = one.upload(b, [4]);
    expect([...one.read(one.kernels.binary('maximum', ta, tb))].map(Number.isNaN)).toEqual([true, true, true, false]);
    expect([...one.read(one.kernels.compare('notEqual', ta, tb))]).toEqual([1, 1, 1, 0]);
    expect([...one.read(one.kernels.compare('equal', ta, tb))]).toEqual([0, 0, 0, 1]);
  });

  it('int32 arithmetic runs the reference loops (truncating division)', () => {
    const a = Int32Array.from([7, -7, 9]);
    const b = Int32Array.from([2, 2, 4]);
    const got = one.kernels.binary('div', one.upload(a, [3]), one.upload(b, [3]));
    expect(got.dtype).toBe('int32');
    expect([...one.read(got)]).toEqual([3, -3, 2]);
  });
});
