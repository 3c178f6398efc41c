/** @file Layer semantics against naive loops and worked examples (the descriptor sweep checks gradients and shapes). */
import { fc, test } from '@fast-check/vitest';
import { key, random, type Tensor, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import {
  conv2d,
  dense,
  dropout,
  elu,
  F,
  gelu,
  geluTanh,
  leakyRelu,
  locallyConnected2d,
  scaledTanh,
  softmax,
} from './index.js';

const f64 = (shape: readonly number[], seed: number): Tensor =>
  random.normal(key(seed), shape, 0, 1, { dtype: 'float64' });
const at4 = (t: Float64Array, s: readonly number[], a: number, b: number, c: number, d: number): number =>
  t[((a * s[1]! + b) * s[2]! + c) * s[3]! + d]!;

function expectClose(actual: Tensor, expected: ArrayLike<number>, tol = 1e-12): void {
  const a = actual.data();
  expect(a.length).toBe(expected.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - expected[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]!)));
}

type ConvCase = {
  c: number;
  h: number;
  w: number;
  k: number;
  stride: number;
  pad: number;
  dil: number;
  groups: number;
  out: number;
  replicate: boolean;
};

/** Direct loops over the definition of a (grouped, dilated, padded) cross-correlation. */
function naiveConv(x: Tensor, w: Tensor, b: Tensor, cs: ConvCase): { shape: number[]; data: Float64Array } {
  const xd = x.data() as Float64Array;
  const wd = w.data() as Float64Array;
  const bd = b.data();
  const [n, c, h, wi] = x.shape as [number, number, number, number];
  const span = cs.dil * (cs.k - 1) + 1;
  const ho = Math.floor((h + 2 * cs.pad - span) / cs.stride) + 1;
  const wo = Math.floor((wi + 2 * cs.pad - span) / cs.stride) + 1;
  const cg = c / cs.groups;
  const og = cs.out / cs.groups;
  const out = new Float64Array(n * cs.out * ho * wo);
  let i = 0;
  for (let a = 0; a < n; a++)
    for (let o = 0; o < cs.out; o++)
      for (let p = 0; p < ho; p++)
        for (let q = 0; q < wo; q++) {
          let acc = bd[o]!;
          const g = Math.floor(o / og);
          for (let ci = 0; ci < cg; ci++)
            for (let u = 0; u < cs.k; u++)
              for (let v = 0; v < cs.k; v++) {
                let r = p * cs.stride + u * cs.dil - cs.pad;
                let s = q * cs.stride + v * cs.dil - cs.pad;
                if (cs.replicate) {
                  r = Math.min(Math.max(r, 0), h - 1);
                  s = Math.min(Math.max(s, 0), wi - 1);
                } else if (r < 0 || r >= h || s < 0 || s >= wi) continue;
                acc += at4(xd, x.shape, a, g * cg + ci, r, s) * at4(wd, w.shape, o, ci, u, v);
              }
          out[i++] = acc;
        }
  return { shape: [n, cs.out, ho, wo], data: out };
}

const convCase = fc
  .record({
    groups: fc.integer({ min: 1, max: 2 }),
    cPer: fc.integer({ min: 1, max: 2 }),
    oPer: fc.integer({ min: 1, max: 2 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 2 }),
    dil: fc.integer({ min: 1, max: 2 }),
    extra: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    replicate: fc.boolean(),
  })
  .map((r): ConvCase => {
    const span = r.dil * (r.k - 1) + 1;
    return {
      c: r.groups * r.cPer,
      out: r.groups * r.oPer,
      h: span + r.extra[0],
      w: span + r.extra[1],
      k: r.k,
      stride: r.stride,
      pad: r.pad,
      dil: r.dil,
      groups: r.groups,
      replicate: r.replicate,
    };
  });

describe('conv2d', () => {
  test.prop([convCase], { numRuns: 40 })(
    'matches the direct loops (zeros and replicate padding, stride, dilation, groups)',
    (cs) => {
      const layer = conv2d({
        out: cs.out,
        kernel: cs.k,
        stride: cs.stride,
        padding: cs.pad,
        dilation: cs.dil,
        groups: cs.groups,
        paddingMode: cs.replicate ? 'replicate' : 'zeros',
      });
      const { params, state, outShape } = layer.init(key(1), [cs.c, cs.h, cs.w], { dtype: 'float64' });
      const x = f64([2, cs.c, cs.h, cs.w], 2);
      const { y } = layer.apply(params, state, x, { train: false });
      const ref = naiveConv(x, params.weight, params.bias!, cs);
      expect(y.shape).toEqual(ref.shape);
      expect(outShape).toEqual(ref.shape.slice(1));
      expectClose(y, ref.data);
    },
  );

  it('replicate padding repeats the edge pixel', () => {
    const layer = conv2d({
      out: 1,
      kernel: 3,
      padding: 1,
      paddingMode: 'replicate',
      bias: false,
      init: {
        weight: () =>
          tensor(
            [
              [
                [
                  [0, 0, 0],
                  [0, 0, 0],
                  [0, 0, 1],
                ],
              ],
            ],
            { dtype: 'float64' },
          ),
      },
    });
    const { params, state } = layer.init(key(0), [1, 2, 2], { dtype: 'float64' });
    const { y } = layer.apply(
      params,
      state,
      tensor(
        [
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ],
        { dtype: 'float64' },
      ),
      { train: false },
    );
    expect(y.toArray()).toEqual([
      [
        [
          [4, 4],
          [4, 4],
        ],
      ],
    ]); // bottom-right neighbour, clamped at the edge
  });
});

describe('locallyConnected2d', () => {
  it('matches direct loops with its documented weight layout', () => {
    const [c, h, w, k, out, stride, pad] = [2, 4, 5, 2, 3, 2, 1];
    const layer = locallyConnected2d({ out, kernel: k, stride, padding: pad });
    const { params, state, outShape } = layer.init(key(3), [c, h, w], { dtype: 'float64' });
    const [, ho, wo] = outShape as [number, number, number];
    expect([ho, wo]).toEqual([3, 3]);
    const x = f64([2, c, h, w], 4);
    const { y } = layer.apply(params, state, x, { train: false });
    const xd = x.data() as Float64Array;
    const wd = params.weight.data();
    const bd = params.bias!.data();
    const expected: number[] = [];
    for (let n = 0; n < 2; n++)
      for (let o = 0; o < out; o++)
        for (let i = 0; i < ho; i++)
          for (let j = 0; j < wo; j++) {
            let acc = bd[(o * ho + i) * wo + j]!;
            for (let ci = 0; ci < c; ci++)
              for (let u = 0; u < k; u++)
                for (let v = 0; v < k; v++) {
                  const r = i * stride + u - pad;
                  const s = j * stride + v - pad;
                  if (r < 0 || r >= h || s < 0 || s >= w) continue;
                  const wIdx = ((i * wo + j) * out + o) * (c * k * k) + (ci * k + u) * k + v;
                  acc += at4(xd, x.shape, n, ci, r, s) * wd[wIdx]!;
                }
            expected.push(acc);
          }
    expectClose(y, expected);
  });
});

describe('dense', () => {
  it('computes x·Wᵀ + b with W stored [out, in] like torch.nn.Linear', () => {
    const layer = dense(2, {
      init: {
        weight: (_k, s, { dtype }) =>
          tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            { dtype, shape: s },
          ),
        bias: (_k, s, { dtype }) => tensor([10, 20], { dtype, shape: s }),
      },
    });
    const { params, state } = layer.init(key(0), [3]);
    expect(params.weight.shape).toEqual([2, 3]);
    expect(layer.apply(params, state, tensor([[1, 0, -1]]), { train: false }).y.toArray()).toEqual([[8, 18]]);
  });
});

describe('activations', () => {
  const x = tensor([-2, -0.5, 0, 0.5, 2], { dtype: 'float64' });
  const act = (l: ReturnType<typeof elu>) => l.apply({}, {}, x, { train: false }).y;

  it('erf and gelu agree with reference values to 1e-15', () => {
    // erf values from the series definition (Abramowitz & Stegun table 7.1)
    const erfRef = [-0.9953222650189527, -0.5204998778130465, 0, 0.5204998778130465, 0.9953222650189527];
    expectClose(F.erf(x), erfRef, 1e-15);
    expectClose(
      act(gelu),
      [-2, -0.5, 0, 0.5, 2].map(
        (v, i) =>
          0.5 * v * (1 + [-0.9544997361036416, -0.3829249225480262, 0, 0.3829249225480262, 0.9544997361036416][i]!),
      ),
      1e-15,
    );
    expectClose(
      act(geluTanh),
      [-2, -0.5, 0, 0.5, 2].map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))),
    );
  });

  it('elu, leakyRelu, scaledTanh and softmax', () => {
    expectClose(act(elu(2)), [2 * Math.expm1(-2), 2 * Math.expm1(-0.5), 0, 0.5, 2]);
    expectClose(act(leakyRelu(0.1)), [-0.2, -0.05, 0, 0.5, 2]);
    expectClose(
      act(scaledTanh),
      [-2, -0.5, 0, 0.5, 2].map((v) => 1.7159 * Math.tanh((2 * v) / 3)),
    );
    const s = softmax(1).apply({}, {}, tensor([[0, Math.log(3)]], { dtype: 'float64' }), { train: false }).y;
    expectClose(s, [0.25, 0.75]);
  });

  it('softplus and elu stay finite for huge inputs, with slope σ(0) = ½ at 0', () => {
    const big = tensor([-1e4, 0, 1e4], { dtype: 'float64' });
    expect(Array.from(F.softplus(big).data())).toEqual([0, Math.LN2, 1e4]);
    expect(Array.from(F.elu(big).data())).toEqual([-1, 0, 1e4]);
  });

  it('refuse the batch axis', () => {
    expect(() => softmax(0).describe([3])).toThrow(/softmax: axis 0 must be a non-batch axis/);
  });
});

describe('dropout', () => {
  const x = random.normal(key(5), [40, 50], 0, 1, { dtype: 'float64' });
  const ctx = { train: true, key: key(6) } as const;

  it('keeps a 1 − p fraction, scaled by 1/(1 − p); identity in evaluation', () => {
    const y = dropout(0.3).apply({}, {}, x, ctx).y.data();
    const xd = x.data();
    let kept = 0;
    for (let i = 0; i < xd.length; i++) {
      if (y[i] !== 0) {
        kept++;
        expect(y[i]).toBeCloseTo(xd[i]! / 0.7, 12);
      }
    }
    expect(kept / xd.length).toBeGreaterThan(0.65);
    expect(kept / xd.length).toBeLessThan(0.75);
    expect(dropout(0.3).apply({}, {}, x, { train: false }).y).toBe(x);
  });

  it('is deterministic for a key and differs between keys; p = 1 zeroes everything', () => {
    const a = dropout(0.5).apply({}, {}, x, ctx).y.data();
    expect(
      dropout(0.5)
        .apply({}, {}, x, { train: true, key: key(6) })
        .y.data(),
    ).toEqual(a);
    expect(
      dropout(0.5)
        .apply({}, {}, x, { train: true, key: key(7) })
        .y.data(),
    ).not.toEqual(a);
    expect(Math.max(...Array.from(dropout(1).apply({}, {}, x, ctx).y.data(), Math.abs))).toBe(0);
  });

  it('needs a key in training mode and a valid p', () => {
    expect(() => dropout(0.5).apply({}, {}, x, { train: true })).toThrow(
      /dropout\(0\.5\): training mode needs a PRNG key/,
    );
    expect(() => dropout(1.5)).toThrow(/dropout: p 1.5 must lie in \[0, 1\]/);
  });
});
