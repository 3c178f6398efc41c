/**
 * @file Conformance cases: takeAlongAxis, scatterAddAlongAxis, pad (both modes), slice, concat, transpose,
 * broadcastTo, oneHot. Values move without arithmetic, so results must match exactly (scatterAdd sums).
 */
import { fc } from '@fast-check/vitest';
import type { DType, Pair, PadMode } from '../src/backend.js';
import { broadcastFrom, host, rand, seed, shape, shapeAndAxis } from './arbitraries.js';
import { type AnyCase, example, kase } from './case.js';

const dtypeArb = fc.constantFrom<DType>('float32', 'int32');
const intDomain = { lo: -30, hi: 30, ints: true } as const;
const valuesFor = (dtype: DType) => (dtype === 'int32' ? intDomain : undefined);

/** A shape and axis plus the length of the other tensor along that axis. */
const alongArb = fc.record({ sa: shapeAndAxis(1, 3, 4), m: fc.integer({ min: 1, max: 4 }), seed: seed() });

const takeCases: AnyCase[] = [
  kase({
    title: 'random shapes and indices',
    arb: alongArb,
    call: (k, up, { sa: { s, axis }, m, seed }) => {
      const idxShape = s.map((d, a) => (a === axis ? m : d));
      const idx = rand(idxShape, seed + 1, { lo: 0, hi: s[axis]! - 1, ints: true }, 'int32');
      return k.takeAlongAxis(up(rand(s, seed)), up(idx), axis);
    },
    tol: 'exact',
  }),
];

const scatterCases: AnyCase[] = [
  kase({
    title: 'random shapes, repeated indices add',
    arb: alongArb,
    call: (k, up, { sa: { s, axis }, m, seed }) => {
      const idx = rand(s, seed + 1, { lo: 0, hi: m - 1, ints: true }, 'int32');
      return k.scatterAddAlongAxis(up(rand(s, seed)), up(idx), axis, m);
    },
  }),
  example('max-pool backward shape: one plane, windows of a 4x4 image', (k, up) => {
    const upd = up(rand([1, 1, 4], 5));
    return k.scatterAddAlongAxis(upd, up(host([0, 5, 5, 15], [1, 1, 4], 'int32')), 2, 16);
  }),
];

const padArb = shape(0, 4).chain((s) =>
  fc.record({
    s: fc.constant(s),
    pads: fc.tuple(...s.map(() => fc.tuple(fc.nat(2), fc.nat(2)))),
    mode: fc.constantFrom<PadMode>('constant', 'edge'),
    value: fc.constantFrom(0, 1.5, -Infinity),
    seed: seed(),
  }),
);

const padCases: AnyCase[] = [
  kase({
    title: 'random pads, constant and edge modes',
    arb: padArb,
    call: (k, up, { s, pads, mode, value, seed }) => k.pad(up(rand(s, seed)), pads as Pair[], mode, value),
    tol: 'exact',
  }),
  example('edge padding of an empty axis pads with the value', (k, up) =>
    k.pad(
      up(rand([2, 0], 1)),
      [
        [1, 0],
        [1, 2],
      ],
      'edge',
      7,
    ),
  ),
];

const sliceArb = shape(1, 4).chain((s) =>
  fc.record({
    s: fc.constant(s),
    bs: fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d }).chain((b) => fc.tuple(fc.constant(b), fc.nat(d - b))))),
    seed: seed(),
  }),
);

const sliceCases: AnyCase[] = [
  kase({
    title: 'random blocks (empty ones included)',
    arb: sliceArb,
    call: (k, up, { s, bs, seed }) =>
      k.slice(
        up(rand(s, seed)),
        bs.map(([b]) => b),
        bs.map(([, n]) => n),
      ),
    tol: 'exact',
  }),
];

const concatArb = shapeAndAxis(1, 3, 4).chain(({ s, axis }) =>
  fc.record({
    s: fc.constant(s),
    axis: fc.constant(axis),
    lens: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
    dtype: dtypeArb,
    seed: seed(),
  }),
);

const concatCases: AnyCase[] = [
  kase({
    title: '1 to 4 tensors along a random axis',
    arb: concatArb,
    call: (k, up, { s, axis, lens, dtype, seed }) =>
      k.concat(
        lens.map((n, i) =>
          up(
            rand(
              s.map((d, a) => (a === axis ? n : d)),
              seed + i,
              valuesFor(dtype),
              dtype,
            ),
          ),
        ),
        axis,
      ),
    tol: 'exact',
  }),
  example('an empty piece in the middle', (k, up) =>
    k.concat([up(rand([2, 1], 1)), up(rand([2, 0], 2)), up(rand([2, 2], 3))], 1),
  ),
];

const transposeArb = shape(0, 5, 4).chain((s) =>
  fc.record({
    s: fc.constant(s),
    perm: fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }),
    seed: seed(),
  }),
);

const transposeCases: AnyCase[] = [
  kase({
    title: 'random permutations up to rank 5',
    arb: transposeArb,
    call: (k, up, { s, perm, seed }) => k.transpose(up(rand(s, seed)), perm),
    tol: 'exact',
  }),
];

const broadcastCases: AnyCase[] = [
  kase({
    title: 'to a random shape from a compatible one',
    arb: shape(0, 4, 4).chain((out) => fc.record({ out: fc.constant(out), from: broadcastFrom(out), seed: seed() })),
    call: (k, up, { out, from, seed }) => k.broadcastTo(up(rand(from, seed)), out),
    tol: 'exact',
  }),
];

const oneHotCases: AnyCase[] = [
  kase({
    title: 'indices incl. out-of-range rows',
    arb: fc.record({ s: shape(0, 2, 4), depth: fc.integer({ min: 1, max: 5 }), seed: seed() }),
    call: (k, up, { s, depth, seed }) =>
      k.oneHot(up(rand(s, seed, { lo: -1, hi: depth, ints: true }, 'int32')), depth, 'float32'),
    tol: 'exact',
  }),
];

export const MOVEMENT_CASES = {
  takeAlongAxis: takeCases,
  scatterAddAlongAxis: scatterCases,
  pad: padCases,
  slice: sliceCases,
  concat: concatCases,
  transpose: transposeCases,
  broadcastTo: broadcastCases,
  oneHot: oneHotCases,
} as const;
