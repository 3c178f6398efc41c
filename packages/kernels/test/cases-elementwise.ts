/**
 * @file Conformance cases: unary, binary, compare, where, cast, reduce, argReduce, softmax, logSoftmax.
 */
import { fc } from '@fast-check/vitest';
import type { ArgReduceOp, BinaryOp, CompareOp, DType, ReduceOp, UnaryOp } from '../src/backend.js';
import { broadcastSet, D, type Domain, host, rand, seed, shape, shapeAndAxis } from './arbitraries.js';
import { type AnyCase, example, kase } from './case.js';

/** Where each unary op is tested: inside its domain and away from its poles. */
const UNARY_DOMAIN: { readonly [K in UnaryOp]: Domain } = {
  neg: D.std,
  abs: D.std,
  sign: D.smallInts,
  exp: D.wide,
  expm1: D.wide,
  log: D.positive,
  log1p: { lo: -0.9, hi: 3 },
  sqrt: D.positive,
  rsqrt: D.positive,
  square: D.wide,
  reciprocal: D.nonZero,
  sin: D.wide,
  cos: D.wide,
  tanh: { lo: -10, hi: 10 },
  sigmoid: { lo: -20, hi: 20 },
  relu: D.std,
  floor: D.wide,
  ceil: D.wide,
  round: D.wide,
  erf: { lo: -6, hi: 6 },
  erfc: { lo: -6, hi: 6 },
};

const unaryCases: AnyCase[] = [
  ...(Object.keys(UNARY_DOMAIN) as UnaryOp[]).map((op) =>
    kase({
      title: `${op} on random shapes`,
      arb: fc.record({ s: shape(0, 4), seed: seed() }),
      call: (k, up, { s, seed }) => k.unary(op, up(rand(s, seed, UNARY_DOMAIN[op]))),
    }),
  ),
  example('round: halves go to even', (k, up) =>
    k.unary('round', up(host([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4], [7]))),
  ),
  example('expm1 and log1p keep tiny arguments', (k, up) => {
    const x = up(host([1e-6, -1e-5, 3e-4, -2e-3, 0], [5]));
    return k.binary('add', k.unary('expm1', x), k.unary('log1p', x));
  }),
  example('sigmoid and tanh saturate without NaN', (k, up) => {
    const x = up(host([-100, -30, 30, 100, 0], [5]));
    return k.binary('add', k.unary('sigmoid', x), k.unary('tanh', x));
  }),
  example('erf and erfc at 0, across the branch points 0.46875 and 4, and in the tails', (k, up) => {
    const x = up(host([0, 1e-6, -0.46875, 0.47, 3.99, 4.01, -5.4, 10, 30, -30], [10]));
    return k.concat([k.unary('erf', x), k.unary('erfc', x)], 0);
  }),
  example('an empty tensor maps to an empty tensor', (k, up) => k.unary('exp', up(rand([0, 3], 1)))),
];

const BINARY_DOMAIN: { readonly [K in BinaryOp]: readonly [Domain, Domain] } = {
  add: [D.std, D.std],
  sub: [D.std, D.std],
  mul: [D.std, D.std],
  div: [D.std, D.nonZero],
  pow: [{ lo: 0.1, hi: 3 }, D.std],
  maximum: [D.smallInts, D.std],
  minimum: [D.smallInts, D.std],
};

const binaryCases: AnyCase[] = [
  ...(Object.keys(BINARY_DOMAIN) as BinaryOp[]).map((op) =>
    kase({
      title: `${op} with broadcasting`,
      arb: fc.record({ s: broadcastSet(2), seed: seed() }),
      call: (k, up, { s, seed }) => {
        const [da, db] = BINARY_DOMAIN[op];
        return k.binary(op, up(rand(s[0]!, seed, da)), up(rand(s[1]!, seed + 1, db)));
      },
    }),
  ),
  example('pow: negative bases with integer exponents', (k, up) =>
    k.binary('pow', up(host([-2, -2, -3, -0.5, 2, 0], [6])), up(host([2, 3, -1, 2, 0.5, 2], [6]))),
  ),
  ...(['add', 'sub', 'mul', 'div'] as const).map((op) =>
    kase({
      title: `${op} on int32 truncates toward zero`,
      arb: fc.record({ s: broadcastSet(2, 3), seed: seed() }),
      call: (k, up, { s, seed }) =>
        k.binary(
          op,
          up(rand(s[0]!, seed, { lo: -20, hi: 20, ints: true }, 'int32')),
          up(rand(s[1]!, seed + 1, { lo: 1, hi: 7, ints: true }, 'int32')),
        ),
    }),
  ),
];

const COMPARE_OPS: readonly CompareOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

const compareCases: AnyCase[] = COMPARE_OPS.map((op) =>
  kase({
    title: `${op} with broadcasting and ties`,
    arb: fc.record({ s: broadcastSet(2), seed: seed(), int: fc.boolean() }),
    call: (k, up, { s, seed, int }) => {
      const dtype: DType = int ? 'int32' : 'float32';
      return k.compare(op, up(rand(s[0]!, seed, D.smallInts, dtype)), up(rand(s[1]!, seed + 1, D.smallInts, dtype)));
    },
    tol: 'exact',
  }),
);

const whereCases: AnyCase[] = [
  kase({
    title: 'where over three broadcast operands',
    arb: fc.record({ s: broadcastSet(3), seed: seed() }),
    call: (k, up, { s, seed }) =>
      k.where(up(rand(s[0]!, seed, D.bits)), up(rand(s[1]!, seed + 1)), up(rand(s[2]!, seed + 2))),
    tol: 'exact',
  }),
];

const castCases: AnyCase[] = [
  kase({
    title: 'cast between float32 and int32',
    arb: fc.record({
      s: shape(0, 3),
      seed: seed(),
      from: fc.constantFrom<DType>('float32', 'int32'),
      to: fc.constantFrom<DType>('float32', 'int32'),
    }),
    call: (k, up, { s, seed, from, to }) =>
      k.cast(up(rand(s, seed, from === 'int32' ? { lo: -9, hi: 9, ints: true } : D.wide, from)), to),
    tol: 'exact',
  }),
  example('cast to int32 truncates toward zero', (k, up) =>
    k.cast(up(host([2.9, -2.9, 0.5, -0.5, 7, -7], [6])), 'int32'),
  ),
];

/** Sorted distinct axes of a rank. */
const axesOf = (rank: number): fc.Arbitrary<number[]> =>
  fc.subarray([...new Array(rank).keys()]).map((a) => [...a].sort((x, y) => x - y));

const reduceCases: AnyCase[] = [
  ...(['sum', 'max', 'min'] as const).map((op: ReduceOp) =>
    kase({
      title: `${op} over random axes`,
      arb: shape(0, 4).chain((s) => fc.record({ s: fc.constant(s), axes: axesOf(s.length), seed: seed() })),
      call: (k, up, { s, axes, seed }) => k.reduce(op, up(rand(s, seed)), axes),
    }),
  ),
  kase({
    title: 'sum and max on int32',
    arb: shape(1, 3).chain((s) => fc.record({ s: fc.constant(s), axes: axesOf(s.length), seed: seed() })),
    call: (k, up, { s, axes, seed }) => {
      const x = up(rand(s, seed, { lo: -50, hi: 50, ints: true }, 'int32'));
      return k.binary('add', k.reduce('sum', x, axes), k.reduce('max', x, axes));
    },
  }),
  example('sum over an empty axis is 0, max is -Infinity', (k, up) => {
    const x = up(rand([2, 0, 3], 7));
    return k.concat([k.reduce('sum', x, [1]), k.reduce('max', x, [1]), k.reduce('min', x, [1])], 0);
  }),
];

const argReduceCases: AnyCase[] = (['argmax', 'argmin'] as const).flatMap((op: ArgReduceOp) => [
  kase({
    title: `${op} along a random axis, ties broken by the first index`,
    arb: fc.record({ sa: shapeAndAxis(1, 4), seed: seed(), ties: fc.boolean() }),
    call: (k, up, { sa, seed, ties }) => k.argReduce(op, up(rand(sa.s, seed, ties ? D.smallInts : D.std)), sa.axis),
  }),
]);

const softmaxCases = (log: boolean): AnyCase[] => {
  const run = log ? 'logSoftmax' : 'softmax';
  return [
    kase({
      title: `${run} along a random axis`,
      arb: fc.record({ sa: shapeAndAxis(1, 3), seed: seed() }),
      call: (k, up, { sa, seed }) => k[run](up(rand(sa.s, seed, D.wide)), sa.axis),
    }),
    example(`${run} of large logits stays finite`, (k, up) =>
      k[run](up(host([1000, 999, -1000, 80, -80, 0, 88, 88.5], [2, 4])), 1),
    ),
  ];
};

export const ELEMENTWISE_CASES = {
  unary: unaryCases,
  binary: binaryCases,
  compare: compareCases,
  where: whereCases,
  cast: castCases,
  reduce: reduceCases,
  argReduce: argReduceCases,
  softmax: softmaxCases(false),
  logSoftmax: softmaxCases(true),
} as const;
