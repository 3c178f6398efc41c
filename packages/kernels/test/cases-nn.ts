/**
 * @file Conformance cases: matmul, conv2d and both its backward passes, pooling and its backward, batch
 * normalisation and its backward.
 * Edge cases drawn or fixed: size-1 dims, batch 1, odd and non-square images, stride > kernel, padding on
 * one side only, dilation, groups incl. depthwise, and reductions well past 100 terms (gpu.js stops loops
 * at `loopMaxIterations` silently, so a conv with Cin·K·K = 576 catches a kernel that relies on it).
 */
import { fc } from '@fast-check/vitest';
import type {
  AvgPool2dAttrs,
  BatchNormGrads,
  BatchNormResult,
  Conv2dAttrs,
  Kernels,
  KTensor,
  MaxPool2dResult,
} from '../src/backend.js';
import {
  broadcastFrom,
  type ConvCase,
  convCase,
  D,
  type HostTensor,
  poolCase,
  rand,
  seed,
  shape,
} from './arbitraries.js';
import { type AnyCase, example, kase, type Up } from './case.js';

/** Batch dims of both operands (broadcasting), plus M, K, N and the transpose flags. */
const matmulArb = shape(0, 2, 3).chain((batch) =>
  fc.record({
    ba: broadcastFrom(batch),
    bb: broadcastFrom(batch),
    mkn: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 })),
    ta: fc.boolean(),
    tb: fc.boolean(),
    seed: seed(),
  }),
);

const matmulCases: AnyCase[] = [
  kase({
    title: 'batched, broadcast, with transposes',
    arb: matmulArb,
    call: (k, up, { ba, bb, mkn: [m, kk, n], ta, tb, seed }) => {
      const a = up(rand([...ba, ...(ta ? [kk, m] : [m, kk])], seed));
      const b = up(rand([...bb, ...(tb ? [n, kk] : [kk, n])], seed + 1));
      return k.matmul(a, b, ta, tb);
    },
  }),
  kase({
    title: 'K = 600 (a reduction far past 100 terms)',
    arb: fc.record({ seed: seed(), tb: fc.boolean() }),
    call: (k, up, { seed, tb }) =>
      k.matmul(up(rand([2, 3, 600], seed)), up(rand(tb ? [5, 600] : [600, 5], seed + 1)), false, tb),
    tol: 'f32LargeReduction',
  }),
  example('K = 0 gives zeros', (k, up) => k.matmul(up(rand([3, 0], 1)), up(rand([0, 2], 2)), false, false)),
];

const conv = (c: ConvCase, sd: number) => ({ x: rand(c.x, sd), w: rand(c.w, sd + 1), dy: rand(c.y, sd + 2) });

/** Fixed geometries for the edge cases a random draw may miss. */
const FIXED: readonly { readonly title: string; readonly c: ConvCase; readonly big?: boolean }[] = [
  {
    title: 'Cin·K·K = 64·3·3 = 576 taps per output',
    c: { x: [1, 64, 5, 4], w: [3, 64, 3, 3], attrs: at([1, 1], [1, 1, 1, 1], [1, 1], 1), y: [1, 3, 5, 4] },
    big: true,
  },
  {
    title: 'stride 3 > kernel 2, padding on one side only',
    c: { x: [2, 2, 7, 8], w: [3, 2, 2, 2], attrs: at([3, 3], [0, 2, 1, 0], [1, 1], 1), y: [2, 3, 3, 3] },
  },
  {
    title: 'depthwise (groups = C = 4, 2 filters each), dilation 2, non-square',
    c: { x: [1, 4, 6, 9], w: [8, 1, 3, 2], attrs: at([1, 2], [2, 2, 0, 1], [2, 2], 4), y: [1, 8, 6, 4] },
  },
];

function at(
  stride: [number, number],
  padding: [number, number, number, number],
  dilation: [number, number],
  groups: number,
): Conv2dAttrs {
  return { stride, padding, dilation, groups };
}

const convCases: AnyCase[] = [
  kase({
    title: 'random geometry (groups, stride, dilation, asymmetric padding)',
    arb: fc.record({ c: convCase(), seed: seed() }),
    call: (k, up, { c, seed }) => {
      const t = conv(c, seed);
      return k.conv2d(up(t.x), up(t.w), c.attrs);
    },
  }),
  kase({
    title: 'random geometry with a bias (added in the same call)',
    arb: fc.record({ c: convCase(), seed: seed() }),
    call: (k, up, { c, seed }) => {
      const t = conv(c, seed);
      return k.conv2d(up(t.x), up(t.w), c.attrs, up(rand([c.w[0]!], seed + 3)));
    },
  }),
  kase({
    title: 'random depthwise geometry',
    arb: fc.record({ c: convCase({ depthwise: true }), seed: seed() }),
    call: (k, up, { c, seed }) => {
      const t = conv(c, seed);
      return k.conv2d(up(t.x), up(t.w), c.attrs);
    },
  }),
  ...FIXED.map(({ title, c, big }) =>
    kase({
      title,
      arb: seed(),
      call: (k, up, sd) => {
        const t = conv(c, sd);
        return k.conv2d(up(t.x), up(t.w), c.attrs);
      },
      ...(big ? { tol: 'f32LargeReduction' as const } : {}),
    }),
  ),
];

const inputGradCases: AnyCase[] = [
  kase({
    title: 'random geometry',
    arb: fc.record({ c: fc.oneof(convCase(), convCase({ depthwise: true })), seed: seed() }),
    call: (k, up, { c, seed }) => {
      const t = conv(c, seed);
      return k.conv2dBackpropInput(up(t.dy), up(t.w), c.x, c.attrs);
    },
  }),
  ...FIXED.map(({ title, c, big }) =>
    kase({
      title,
      arb: seed(),
      call: (k, up, sd) => {
        const t = conv(c, sd);
        return k.conv2dBackpropInput(up(t.dy), up(t.w), c.x, c.attrs);
      },
      ...(big ? { tol: 'f32LargeReduction' as const } : {}),
    }),
  ),
];

const filterGradCases: AnyCase[] = [
  kase({
    title: 'random geometry',
    arb: fc.record({ c: fc.oneof(convCase(), convCase({ depthwise: true })), seed: seed() }),
    call: (k, up, { c, seed }) => {
      const t = conv(c, seed);
      return k.conv2dBackpropFilter(up(t.x), up(t.dy), c.w, c.attrs);
    },
  }),
  ...FIXED.map(({ title, c }) =>
    kase({
      title,
      arb: seed(),
      call: (k, up, sd) => {
        const t = conv(c, sd);
        return k.conv2dBackpropFilter(up(t.x), up(t.dy), c.w, c.attrs);
      },
    }),
  ),
  kase({
    title: 'N·Ho·Wo = 3·12·12 = 432 terms per weight',
    arb: seed(),
    call: (k, up, sd) => {
      const c: ConvCase = {
        x: [3, 2, 12, 12],
        w: [2, 2, 3, 3],
        attrs: at([1, 1], [1, 1, 1, 1], [1, 1], 1),
        y: [3, 2, 12, 12],
      };
      const t = conv(c, sd);
      return k.conv2dBackpropFilter(up(t.x), up(t.dy), c.w, c.attrs);
    },
    tol: 'f32LargeReduction',
  }),
];

/** Both outputs of max pooling, compared one after the other. */
const outputs = (r: MaxPool2dResult): readonly KTensor[] => [r.values, r.indices];

const poolCases = {
  maxPool2d: [
    kase({
      title: 'random geometry: maxima and indices, ties broken by the first index in window order',
      arb: fc.record({ p: poolCase(), seed: seed(), ties: fc.boolean() }),
      call: (k, up, { p, seed, ties }) =>
        outputs(k.maxPool2d(up(rand(p.x, seed, ties ? D.smallInts : D.std)), p.attrs)),
    }),
    example('2x2 stride 2 on an odd 5x3 image, padding right/bottom only', (k, up) =>
      outputs(
        k.maxPool2d(up(rand([1, 2, 5, 3], 3)), {
          kernel: [2, 2],
          stride: [2, 2],
          padding: [0, 1, 0, 1],
          dilation: [1, 1],
        }),
      ),
    ),
  ],
  avgPool2d: [
    kase({
      title: 'random geometry, padding counted or not',
      arb: fc.record({ p: poolCase(), seed: seed(), cip: fc.boolean() }),
      call: (k, up, { p, seed, cip }) => k.avgPool2d(up(rand(p.x, seed)), { ...p.attrs, countIncludePad: cip }),
    }),
  ],
  avgPool2dBackward: [
    kase({
      title: 'random geometry, padding counted or not',
      arb: fc.record({ p: poolCase(), seed: seed(), cip: fc.boolean() }),
      call: (k, up, { p, seed, cip }) => {
        const attrs: AvgPool2dAttrs = { ...p.attrs, countIncludePad: cip };
        return k.avgPool2dBackward(up(rand(p.y, seed)), p.x, attrs);
      },
    }),
  ],
} as const;

/** x `[N, C, ...]` of rank 2-4 (every dim ≥ 1, so every channel has a value), an eps, and a seed. */
const normArb = fc.record({
  x: fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), shape(0, 2, 6))
    .map(([n, c, rest]) => [n, c, ...rest]),
  eps: fc.constantFrom(1e-5, 1e-3, 0.5),
  seed: seed(),
});

/** x plus `offset`: a channel mean far from 0 is where Σx² − nμ² would cancel. */
const shifted = (t: HostTensor, offset: number): HostTensor => ({ ...t, values: t.values.map((v) => v + offset) });

const bnOutputs = (r: BatchNormResult): readonly KTensor[] => [r.y, r.mean, r.variance];
const bnGrads = (r: BatchNormGrads): readonly KTensor[] => [r.dx, r.dWeight, r.dBias];

/** The forward on the backend under test, then its backward with the statistics that forward returned. */
const bnBackward = (k: Kernels<unknown>, up: Up, x: HostTensor, eps: number, seed: number): readonly KTensor[] => {
  const c = [x.shape[1]!];
  const [xt, w] = [up(x), up(rand(c, seed + 1))];
  const fwd = k.batchNorm(xt, w, up(rand(c, seed + 2)), eps);
  return bnGrads(k.batchNormBackward(up(rand(x.shape, seed + 3)), xt, w, fwd.mean, fwd.variance, eps));
};

const normCases = {
  batchNorm: [
    kase({
      title: 'random [N, C, ...] of rank 2-4: y, batch mean and biased variance',
      arb: normArb,
      call: (k, up, { x, eps, seed }) =>
        bnOutputs(k.batchNorm(up(rand(x, seed)), up(rand([x[1]!], seed + 1)), up(rand([x[1]!], seed + 2)), eps)),
    }),
    example('4,800 values per channel around a mean of 50 (two-pass variance)', (k, up) =>
      bnOutputs(k.batchNorm(up(shifted(rand([3, 2, 40, 40], 5), 50)), up(rand([2], 6)), up(rand([2], 7)), 1e-5)),
    ),
  ],
  batchNormBackward: [
    kase({
      title: 'random [N, C, ...] of rank 2-4: dx, dWeight, dBias',
      arb: normArb,
      call: (k, up, { x, eps, seed }) => bnBackward(k, up, rand(x, seed), eps, seed),
    }),
    example('4,800 values per channel around a mean of 50', (k, up) =>
      bnBackward(k, up, shifted(rand([3, 2, 40, 40], 5), 50), 1e-5, 8),
    ),
  ],
} as const;

export const NN_CASES = {
  matmul: matmulCases,
  conv2d: convCases,
  conv2dBackpropInput: inputGradCases,
  conv2dBackpropFilter: filterGradCases,
  ...poolCases,
  ...normCases,
} as const;
