/**
 * @file The gradient property suite: one case per registered op, walked from OPS so that an op without a
 * check fails here. Differentiable ops are checked against central differences in float64 (reverse and
 * forward mode; second order where the second derivative exists); every case also proves the op leaves
 * its inputs untouched. Non-differentiable ops are checked to be invisible to the tape.
 * `describeGradients` registers it for one backend (`src/ops/gradients.test.ts`: the active one;
 * `test/gradients.wasm.test.ts`: wasm on 1 and 2 threads).
 */
import { fc, test } from '@fast-check/vitest';
import { conv2dOutShape, pool2dOutShape } from '@tapenet/kernels';
import type { Backend } from '@tapenet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../src/context.js';
import { grad } from '../src/grad.js';
import { tensor, type Tensor, zeros } from '../src/tensor.js';
import {
  arbBroadcastShapes,
  arbConv2dCase,
  arbShape,
  arbTensor,
  arbTensorOfShape,
} from '../src/testing/arbitraries.js';
import { checkGrads } from '../src/testing/check-grads.js';
import type { OpName } from '../src/ops/attrs.js';
import * as ops from '../src/ops/index.js';
import { OPS } from '../src/ops/registry.js';

type F = (...xs: Tensor[]) => Tensor;
type Drawn = { readonly f: F; readonly args: Tensor[] };
type Case =
  | { readonly kind: 'grad'; readonly arb: fc.Arbitrary<Drawn>; readonly order2: boolean }
  | { readonly kind: 'none'; readonly why: string; readonly example: () => void };

const f64 = { dtype: 'float64' } as const;
const unaryCase = (f: F, o: Parameters<typeof arbTensor>[0] = {}, order2 = true): Case => ({
  kind: 'grad',
  arb: arbTensor({ ...f64, ...o }).map((x) => ({ f, args: [x] })),
  order2,
});
const binaryCase = (f: F, b: Parameters<typeof arbTensor>[0] = {}): Case => ({
  kind: 'grad',
  arb: arbBroadcastShapes()
    .chain(([sa, sb]) => fc.tuple(arbTensorOfShape(sa, f64), arbTensorOfShape(sb, { ...f64, ...b })))
    .map((args) => ({ f, args })),
  order2: true,
});
/** Two broadcast-compatible tensors whose elements are all pairwise distinct (no ties between a and b). */
const distinctPair = (f: F): Case => ({
  kind: 'grad',
  arb: arbBroadcastShapes()
    .chain(([sa, sb]) => {
      const na = sa.reduce((a, b) => a * b, 1);
      return arbTensorOfShape([na + sb.reduce((a, b) => a * b, 1)], { ...f64, distinct: true }).map((t) => {
        const v = Array.from(t.data());
        return [tensor(v.slice(0, na), { shape: sa, ...f64 }), tensor(v.slice(na), { shape: sb, ...f64 })];
      });
    })
    .map((args) => ({ f, args })),
  order2: true,
});
const intTensor = (shape: readonly number[], max: number): fc.Arbitrary<Tensor> =>
  fc
    .array(fc.integer({ min: 0, max: max - 1 }), {
      minLength: shape.reduce((a, b) => a * b, 1),
      maxLength: shape.reduce((a, b) => a * b, 1),
    })
    .map((v) => tensor(v, { shape, dtype: 'int32' }));
const axisOf = (shape: readonly number[]): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: Math.max(0, shape.length - 1) });
const nonScalar = arbShape({ minRank: 1 });

/** A case for an op that must never be recorded: its gradient paths are zero and its value is right. */
const noGrad = (why: string, f: F, x: Tensor, expected: unknown): Case => ({
  kind: 'none',
  why,
  example: () => {
    expect(f(x).toArray()).toEqual(expected);
    // no path through the op: the gradient is exactly zero
    const g = grad((y: Tensor) => ops.sum(ops.cast(f(y), 'float64')))(x);
    expect(Array.from(g.data())).toEqual(new Array(x.size).fill(0));
  },
});

const convCase = (f: (c: import('../src/testing/arbitraries.js').Conv2dCase) => fc.Arbitrary<Drawn>): Case => ({
  kind: 'grad',
  arb: arbConv2dCase().chain(f),
  order2: true,
});
const poolArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    k: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 3, max: 6 }),
    w: fc.integer({ min: 3, max: 6 }),
    p: fc.boolean(),
    inc: fc.boolean(),
  })
  .map((r) => {
    const pad = r.p ? Math.floor(r.k / 2) : 0;
    const attrs = {
      kernel: [r.k, r.k] as const,
      stride: [r.s, r.s] as const,
      padding: [pad, pad, pad, pad] as const,
      dilation: [1, 1] as const,
      countIncludePad: r.inc,
    };
    return { xShape: [r.n, r.c, r.h, r.w] as const, attrs };
  });

const CASES: { readonly [K in OpName]: Case } = {
  neg: unaryCase(ops.neg),
  abs: unaryCase(ops.abs, { avoid: [0] }),
  exp: unaryCase(ops.exp),
  expm1: unaryCase(ops.expm1),
  log: unaryCase(ops.log, { min: 0.2, max: 3 }),
  log1p: unaryCase(ops.log1p, { min: -0.8, max: 3 }),
  sqrt: unaryCase(ops.sqrt, { min: 0.2, max: 3 }),
  rsqrt: unaryCase(ops.rsqrt, { min: 0.2, max: 3 }),
  square: unaryCase(ops.square),
  reciprocal: unaryCase(ops.reciprocal, { min: 0.3, max: 3 }),
  sin: unaryCase(ops.sin),
  cos: unaryCase(ops.cos),
  tanh: unaryCase(ops.tanh),
  sigmoid: unaryCase(ops.sigmoid),
  relu: unaryCase(ops.relu, { avoid: [0] }),
  erf: unaryCase(ops.erf, { min: -3, max: 3 }),
  erfc: unaryCase(ops.erfc, { min: -3, max: 3 }),
  sign: noGrad('piecewise constant', ops.sign, tensor([-2, 0, 3], f64), [-1, 0, 1]),
  floor: noGrad('piecewise constant', ops.floor, tensor([-1.5, 0.2, 2.7], f64), [-2, 0, 2]),
  ceil: noGrad('piecewise constant', ops.ceil, tensor([-1.5, 0.2, 2.7], f64), [-1, 1, 3]),
  round: noGrad('piecewise constant (half to even)', ops.round, tensor([0.5, 1.5, 2.5, -0.5], f64), [0, 2, 2, -0]),
  add: binaryCase(ops.add),
  sub: binaryCase(ops.sub),
  mul: binaryCase(ops.mul),
  div: binaryCase(ops.div, { min: 0.3, max: 2 }),
  pow: {
    kind: 'grad',
    arb: arbBroadcastShapes()
      .chain(([sa, sb]) => fc.tuple(arbTensorOfShape(sa, { ...f64, min: 0.3, max: 2 }), arbTensorOfShape(sb, f64)))
      .map((args) => ({ f: ops.pow, args })),
    order2: true,
  },
  maximum: distinctPair(ops.maximum),
  minimum: distinctPair(ops.minimum),
  equal: noGrad('a comparison', (x) => ops.equal(x, 1), tensor([1, 2], f64), [1, 0]),
  notEqual: noGrad('a comparison', (x) => ops.notEqual(x, 1), tensor([1, 2], f64), [0, 1]),
  less: noGrad('a comparison', (x) => ops.less(x, 1.5), tensor([1, 2], f64), [1, 0]),
  lessEqual: noGrad('a comparison', (x) => ops.lessEqual(x, 1), tensor([1, 2], f64), [1, 0]),
  greater: noGrad('a comparison', (x) => ops.greater(x, 1.5), tensor([1, 2], f64), [0, 1]),
  greaterEqual: noGrad('a comparison', (x) => ops.greaterEqual(x, 2), tensor([1, 2], f64), [0, 1]),
  where: {
    kind: 'grad',
    arb: arbBroadcastShapes()
      .chain(([sa, sb]) => fc.tuple(arbTensorOfShape(sa, f64), arbTensorOfShape(sb, f64), arbTensorOfShape(sa, f64)))
      .map(([a, b, c]) => {
        const cond = ops.greater(c, 0);
        return { f: (x: Tensor, y: Tensor) => ops.where(cond, x, y), args: [a, b] };
      }),
    order2: true,
  },
  cast: {
    kind: 'grad',
    // float64 → float32 → float64 rounds, so FD would be noisy; a float64 round trip through 'cast'
    // exercises the VJP exactly (cast(ḡ, x.dtype)) while float32 paths are checked in the worked examples
    arb: arbTensor(f64).map((x) => ({ f: (y: Tensor) => ops.mul(ops.cast(y, 'float64'), y), args: [x] })),
    order2: true,
  },
  identity: unaryCase(ops.identity),
  sum: {
    kind: 'grad',
    arb: arbShape()
      .chain((s) => fc.tuple(arbTensorOfShape(s, f64), fc.subarray(s.map((_, i) => i))))
      .map(([x, axes]) => ({ f: (y: Tensor) => ops.sum(y, axes), args: [x] })),
    order2: true,
  },
  max: {
    kind: 'grad',
    arb: arbShape()
      .chain((s) => fc.tuple(arbTensorOfShape(s, { ...f64, distinct: true }), fc.subarray(s.map((_, i) => i))))
      .map(([x, axes]) => ({ f: (y: Tensor) => ops.max(y, axes), args: [x] })),
    order2: true,
  },
  min: {
    kind: 'grad',
    arb: arbShape()
      .chain((s) => fc.tuple(arbTensorOfShape(s, { ...f64, distinct: true }), fc.subarray(s.map((_, i) => i))))
      .map(([x, axes]) => ({ f: (y: Tensor) => ops.min(y, axes), args: [x] })),
    order2: true,
  },
  argmax: noGrad('an index', (x) => ops.argmax(x), tensor([1, 3, 2], f64), 1),
  argmin: noGrad('an index', (x) => ops.argmin(x), tensor([1, 3, 0], f64), 2),
  reshape: {
    kind: 'grad',
    arb: arbTensor(f64).map((x) => ({ f: (y: Tensor) => ops.reshape(y, [...y.shape].reverse()), args: [x] })),
    order2: true,
  },
  transpose: {
    kind: 'grad',
    arb: arbShape()
      .chain((s) =>
        fc.tuple(
          arbTensorOfShape(s, f64),
          fc.shuffledSubarray(
            s.map((_, i) => i),
            { minLength: s.length, maxLength: s.length },
          ),
        ),
      )
      .map(([x, perm]) => ({ f: (y: Tensor) => ops.transpose(y, perm), args: [x] })),
    order2: true,
  },
  broadcastTo: {
    kind: 'grad',
    arb: arbBroadcastShapes().chain(([sa, sb]) =>
      arbTensorOfShape(sa, f64).map((x) => ({
        f: (y: Tensor) => ops.broadcastTo(y, ops.add(zeros(sa), zeros(sb)).shape),
        args: [x],
      })),
    ),
    order2: true,
  },
  slice: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) =>
        fc.tuple(
          arbTensorOfShape(s, f64),
          fc.tuple(
            ...s.map((d) =>
              fc
                .integer({ min: 0, max: d - 1 })
                .chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }))),
            ),
          ),
        ),
      )
      .map(([x, bs]) => ({
        f: (y: Tensor) =>
          ops.slice(
            y,
            bs.map(([b]) => b),
            bs.map(([, n]) => n),
          ),
        args: [x],
      })),
    order2: true,
  },
  concat: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) =>
        axisOf(s).chain((axis) =>
          fc.tuple(
            fc.constant(axis),
            fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }).chain((ls) =>
              fc.tuple(
                ...ls.map((l) =>
                  arbTensorOfShape(
                    s.map((d, i) => (i === axis ? l : d)),
                    f64,
                  ),
                ),
              ),
            ),
          ),
        ),
      )
      .map(([axis, xs]) => ({ f: (...ys: Tensor[]) => ops.concat(ys, axis), args: xs })),
    order2: true,
  },
  pad: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) =>
        fc.tuple(
          arbTensorOfShape(s, f64),
          fc.tuple(...s.map(() => fc.tuple(fc.nat(2), fc.nat(2)))),
          fc.constantFrom('constant' as const, 'edge' as const),
        ),
      )
      .map(([x, pads, mode]) => ({ f: (y: Tensor) => ops.pad(y, pads, mode, 0.5), args: [x] })),
    order2: true,
  },
  takeAlongAxis: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) =>
        axisOf(s).chain((axis) =>
          fc.tuple(
            arbTensorOfShape(s, f64),
            fc.integer({ min: 1, max: 4 }).chain((m) =>
              intTensor(
                s.map((d, i) => (i === axis ? m : d)),
                s[axis]!,
              ),
            ),
            fc.constant(axis),
          ),
        ),
      )
      .map(([x, idx, axis]) => ({ f: (y: Tensor) => ops.takeAlongAxis(y, idx, axis), args: [x] })),
    order2: true,
  },
  scatterAddAlongAxis: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) => axisOf(s).chain((axis) => fc.tuple(arbTensorOfShape(s, f64), intTensor(s, 3), fc.constant(axis))))
      .map(([u, idx, axis]) => ({ f: (y: Tensor) => ops.scatterAddAlongAxis(y, idx, axis, 3), args: [u] })),
    order2: true,
  },
  oneHot: noGrad('indices are integers', (x) => ops.oneHot(ops.cast(x, 'int32'), 3, 'float64'), tensor([2, 0], f64), [
    [0, 0, 1],
    [1, 0, 0],
  ]),
  matmul: {
    kind: 'grad',
    arb: fc
      .record({
        m: fc.integer({ min: 1, max: 3 }),
        k: fc.integer({ min: 1, max: 3 }),
        n: fc.integer({ min: 1, max: 3 }),
        batch: arbBroadcastShapes({ maxRank: 2, maxDim: 2 }),
        tA: fc.boolean(),
        tB: fc.boolean(),
      })
      .chain((r) =>
        fc.tuple(
          arbTensorOfShape([...r.batch[0], ...(r.tA ? [r.k, r.m] : [r.m, r.k])], f64),
          arbTensorOfShape([...r.batch[1], ...(r.tB ? [r.n, r.k] : [r.k, r.n])], f64),
          fc.constant(r),
        ),
      )
      .map(([a, b, r]) => ({
        f: (x: Tensor, y: Tensor) => ops.matmul(x, y, { transposeA: r.tA, transposeB: r.tB }),
        args: [a, b],
      })),
    order2: true,
  },
  // With and without the fused bias (then a third argument, [O]).
  conv2d: convCase((c) =>
    fc.oneof(
      fc
        .tuple(arbTensorOfShape(c.xShape, f64), arbTensorOfShape(c.wShape, f64))
        .map((args) => ({ f: (x: Tensor, w: Tensor) => ops.conv2d(x, w, c), args })),
      fc
        .tuple(arbTensorOfShape(c.xShape, f64), arbTensorOfShape(c.wShape, f64), arbTensorOfShape([c.wShape[0]!], f64))
        .map((args) => ({ f: (x: Tensor, w: Tensor, b: Tensor) => ops.conv2d(x, w, { ...c, bias: b }), args })),
    ),
  ),
  conv2dBackpropInput: convCase((c) =>
    fc
      .tuple(arbTensorOfShape(conv2dOutShape(c.xShape, c.wShape, c), f64), arbTensorOfShape(c.wShape, f64))
      .map((args) => ({ f: (dy: Tensor, w: Tensor) => ops.conv2dBackpropInput(dy, w, c.xShape, c), args })),
  ),
  conv2dBackpropFilter: convCase((c) =>
    fc
      .tuple(arbTensorOfShape(c.xShape, f64), arbTensorOfShape(conv2dOutShape(c.xShape, c.wShape, c), f64))
      .map((args) => ({ f: (x: Tensor, dy: Tensor) => ops.conv2dBackpropFilter(x, dy, c.wShape, c), args })),
  ),
  maxPool2d: {
    kind: 'grad',
    // distinct values: no ties, so the maximum does not move within a finite-difference step
    arb: poolArb.chain((p) =>
      arbTensorOfShape(p.xShape, { ...f64, distinct: true }).map((x) => ({
        f: (y: Tensor) => ops.maxPool2d(y, p.attrs.kernel, p.attrs),
        args: [x],
      })),
    ),
    order2: true,
  },
  avgPool2d: {
    kind: 'grad',
    arb: poolArb.chain((p) =>
      arbTensorOfShape(p.xShape, f64).map((x) => ({
        f: (y: Tensor) => ops.avgPool2d(y, p.attrs.kernel, p.attrs),
        args: [x],
      })),
    ),
    order2: true,
  },
  avgPool2dBackward: {
    kind: 'grad',
    arb: poolArb.chain((p) =>
      arbTensorOfShape(pool2dOutShape(p.xShape, p.attrs), f64).map((dy) => ({
        // the transpose of avgPool2d, reached as the VJP of avgPool2d with a variable cotangent
        f: (g: Tensor) => {
          const x0 = zeros(p.xShape, 'float64');
          return ops.mul(grad((x: Tensor) => ops.sum(ops.mul(ops.avgPool2d(x, p.attrs.kernel, p.attrs), g)))(x0), 1);
        },
        args: [dy],
      })),
    ),
    order2: true,
  },
  softmax: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) => fc.tuple(arbTensorOfShape(s, f64), axisOf(s)))
      .map(([x, axis]) => ({ f: (y: Tensor) => ops.softmax(y, axis), args: [x] })),
    order2: true,
  },
  logSoftmax: {
    kind: 'grad',
    arb: nonScalar
      .chain((s) => fc.tuple(arbTensorOfShape(s, f64), axisOf(s)))
      .map(([x, axis]) => ({ f: (y: Tensor) => ops.logSoftmax(y, axis), args: [x] })),
    order2: true,
  },
  batchNorm: {
    kind: 'grad',
    // x [N, C, ...] with at least two values per channel; eps 0.1 keeps 1/√(σ² + eps) moderate when the
    // drawn values of a channel lie close together. First order runs the fused backward kernel; second
    // order differentiates the VJP written in ops, so both are checked against the same differences.
    arb: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), arbShape({ maxRank: 2, maxDim: 3 }))
      .filter(([n, , rest]) => n * rest.reduce((a, b) => a * b, 1) >= 2)
      .chain(([n, c, rest]) =>
        fc.tuple(arbTensorOfShape([n, c, ...rest], f64), arbTensorOfShape([c], f64), arbTensorOfShape([c], f64)),
      )
      .map((args) => ({ f: (x: Tensor, w: Tensor, b: Tensor) => ops.batchNorm(x, w, b, { eps: 0.1 }).y, args })),
    order2: true,
  },
};

/**
 * Registers the suite under `label`, on `backend` when given (made before the first test, restored and
 * torn down after the last), else on the active backend.
 */
export function describeGradients(
  label: string,
  backend?: { readonly make: () => Backend; readonly teardown?: (b: Backend) => void },
): void {
  describe(label, () => {
    let previous: Backend | undefined;
    let made: Backend | undefined;
    beforeAll(() => {
      if (backend === undefined) return;
      made = backend.make();
      previous = setBackend(made);
    });
    afterAll(() => {
      if (previous !== undefined) setBackend(previous);
      if (made !== undefined) backend?.teardown?.(made);
    });

    it('runs on the backend it was given', () => {
      if (made !== undefined) expect(getBackend()).toBe(made);
      expect(tensor([1], { dtype: 'float64' }).backend).toBe(getBackend());
    });

    describe('every registered op has a gradient case', () => {
      it('OPS and CASES list the same ops', () => {
        expect(Object.keys(CASES).sort()).toEqual(Object.keys(OPS).sort());
      });
    });

    for (const name of Object.keys(OPS) as OpName[]) {
      const c = CASES[name];
      if (c.kind === 'none') {
        it(`${name}: no gradient (${c.why}); value and tape invisibility`, c.example);
        continue;
      }
      test.prop([c.arb], { numRuns: 12 })(
        `${name}: vjp and jvp agree with central differences${c.order2 ? ', to second order' : ''}; inputs untouched`,
        ({ f, args }) => {
          const before = args.map((a) => Array.from(a.data()));
          const out = f(...args);
          checkGrads(f, args, { order: c.order2 ? 2 : 1 });
          args.forEach((a, i) => {
            expect(Array.from(a.data())).toEqual(before[i]);
          });
          expect(out.dtype).toBe('float64');
        },
      );
    }

    describe('max pooling', () => {
      test.prop(
        [
          fc
            .record({
              n: fc.integer({ min: 1, max: 2 }),
              c: fc.integer({ min: 1, max: 2 }),
              h: fc.integer({ min: 2, max: 5 }),
              w: fc.integer({ min: 2, max: 5 }),
              k: fc.integer({ min: 1, max: 2 }),
              s: fc.integer({ min: 1, max: 2 }),
            })
            .chain((r) =>
              arbTensorOfShape([r.n, r.c, r.h, r.w], { ...f64, distinct: true }).map((x) => ({ x, k: r.k, s: r.s })),
            ),
        ],
        { numRuns: 12 },
      )('gradients agree with central differences away from ties (overlapping windows too)', ({ x, k, s }) => {
        checkGrads((y) => ops.maxPool2d(y, k, { stride: s }), [x], { order: 2 });
      });

      it('refuses padding and dilation that leave a window without any input element, naming the op', () => {
        const x = tensor([[[[3]]]], f64);
        // kernel 2, dilation 2, padding 1 on a 1x1 image: the one window's taps are at -1 and 1
        expect(() => ops.maxPool2d(x, 2, { stride: 1, padding: 1, dilation: 2 })).toThrow(
          /maxPool2d.*padding.*output row 0 .*every window tap in the padding/,
        );
        // the same geometry on a 1x3 image: rows are still empty, columns are not
        const wide = tensor([[[[3, 1, 2]]]], f64);
        expect(() => ops.maxPool2d(wide, 2, { stride: 1, padding: 1, dilation: 2 })).toThrow(/output row 0/);
        const tall = tensor([[[[3], [1], [2]]]], f64);
        expect(() => ops.maxPool2d(tall, 2, { stride: 1, padding: 1, dilation: 2 })).toThrow(/output column 0/);
        expect(
          ops.maxPool2d(
            tensor(
              [
                [
                  [
                    [3, 1, 2],
                    [4, 0, 5],
                    [6, 7, 8],
                  ],
                ],
              ],
              f64,
            ),
            2,
            { padding: 1, dilation: 2 },
          ).shape,
        ).toEqual([1, 1, 2, 2]);
      });

      it('a worked example: the maximum, and the gradient at its position', () => {
        const x = tensor(
          [
            [
              [
                [1, 5],
                [7, 2],
              ],
            ],
          ],
          f64,
        );
        expect(ops.maxPool2d(x, 2).toArray()).toEqual([[[[7]]]]);
        expect(grad((y: Tensor) => ops.sum(ops.maxPool2d(y, 2)))(x).toArray()).toEqual([
          [
            [
              [0, 0],
              [1, 0],
            ],
          ],
        ]);
      });
    });
  });
}
