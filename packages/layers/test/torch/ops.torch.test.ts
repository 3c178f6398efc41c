/**
 * @file The new ops against PyTorch 1.13 (Debian's python3-torch, driven by reference.py) in float64:
 * values and the gradients of `Σ y·u` (u a fixed random cotangent) with respect to every float input.
 * Inputs include the kinks and ties whose conventions the README states: relu-family inputs at exactly 0,
 * hardtanh at its bounds, softplus at and past its threshold, gelu's negative tail, upsample coordinates
 * that land exactly on grid points, adaptive-pooling bins full of tied values, repeated embedding rows.
 * Without PyTorch the suite shows as skipped with the reason; CI sets TAPENET_REQUIRE_TORCH=1, which
 * makes that a failure.
 */
import {
  adaptiveMaxPool2d,
  convTranspose2d,
  erf,
  erfc,
  grad,
  key,
  mul,
  random,
  relu,
  sum,
  type Tensor,
  tensor,
  upsample,
} from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { F } from '../../src/index.js';
import { type PyCase, torchMissing, torchReference } from './python.js';

const missing = torchMissing();

/**
 * |tapenet − PyTorch| ≤ TOL·(1 + |PyTorch|), the issue's bar: both sides evaluate the same formula in
 * float64, so they differ by the rounding of a few operations in another order (≈ 1e-15 here).
 */
const TOL = 1e-12;

const f64 = (values: readonly number[], shape: readonly number[]): Tensor =>
  tensor(Float64Array.from(values), { shape, dtype: 'float64' });
/** Deterministic N(0, 1) values. */
const normal = (seed: number, shape: readonly number[]): number[] =>
  Array.from(random.normal(key(seed), shape, 0, 1, { dtype: 'float64' }).data());
/** Small integers as floats: many ties. */
const ties = (seed: number, shape: readonly number[]): number[] =>
  Array.from(random.randint(key(seed), shape, 0, 3).data(), (v) => v - 1);

type Case = {
  readonly name: string;
  /** PyTorch's expression over x0, x1, ... (F = torch.nn.functional). */
  readonly expr: string;
  /** Float inputs are float64 tensors; `int` ones are int32 here and int64 in PyTorch. */
  readonly inputs: readonly { values: number[]; shape: readonly number[]; int?: boolean }[];
  readonly ours: (...xs: Tensor[]) => Tensor;
};

/** Activations at their kinks (0, hardtanh's −0.5 and 0.7, softplus's threshold) and in their tails. */
const POINTS = [
  -30, -10, -5.4, -3, -1, -0.7, -0.5, -1e-3, 0, 1e-3, 0.5, 0.7, 1, 2.5, 3, 5.4, 19.9, 20, 20.5, 25, -0.3, 0.3,
];
const act = (name: string, expr: string, ours: (x: Tensor) => Tensor): Case => ({
  name,
  expr,
  inputs: [{ values: POINTS, shape: [POINTS.length] }],
  ours,
});

const x4 = (seed: number, shape: readonly number[]) => ({ values: normal(seed, shape), shape });

const CASES: readonly Case[] = [
  act('erf', 'torch.erf(x0)', erf),
  act('erfc', 'torch.erfc(x0)', erfc),
  act('relu', 'F.relu(x0)', relu),
  act('gelu', 'F.gelu(x0)', F.gelu),
  act('gelu tanh', "F.gelu(x0, approximate='tanh')", F.geluTanh),
  act('leakyRelu 0.1', 'F.leaky_relu(x0, 0.1)', (x) => F.leakyRelu(x, 0.1)),
  act('elu 1.5', 'F.elu(x0, 1.5)', (x) => F.elu(x, 1.5)),
  act('selu', 'F.selu(x0)', F.selu),
  act('silu', 'F.silu(x0)', F.silu),
  act('mish', 'F.mish(x0)', F.mish),
  act('softplus', 'F.softplus(x0)', (x) => F.softplus(x)),
  act('softplus β 2 threshold 5', 'F.softplus(x0, beta=2, threshold=5)', (x) =>
    F.softplus(x, { beta: 2, threshold: 5 }),
  ),
  act('hardtanh [−0.5, 0.7]', 'F.hardtanh(x0, -0.5, 0.7)', (x) => F.hardtanh(x, -0.5, 0.7)),
  {
    name: 'layerNorm over [3, 3]',
    expr: 'F.layer_norm(x0, [3, 3], x1, x2)',
    inputs: [x4(1, [2, 4, 3, 3]), x4(2, [3, 3]), x4(3, [3, 3])],
    ours: (x, w, b) => F.layerNorm(x, [3, 3], { weight: w, bias: b }),
  },
  {
    name: 'layerNorm eps 1e-3, no affine',
    expr: 'F.layer_norm(x0, [5], eps=1e-3)',
    inputs: [x4(4, [3, 5])],
    ours: (x) => F.layerNorm(x, [5], { eps: 1e-3 }),
  },
  {
    name: 'groupNorm 2 groups',
    expr: 'F.group_norm(x0, 2, x1, x2)',
    inputs: [x4(5, [2, 4, 3, 2]), x4(6, [4]), x4(7, [4])],
    ours: (x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }),
  },
  {
    name: 'instanceNorm affine',
    expr: 'F.instance_norm(x0, weight=x1, bias=x2)',
    inputs: [x4(8, [2, 3, 3, 4]), x4(9, [3]), x4(10, [3])],
    ours: (x, w, b) => F.instanceNorm(x, { weight: w, bias: b }),
  },
  {
    name: 'convTranspose2d stride 2 (a U-Net up step)',
    expr: 'F.conv_transpose2d(x0, x1, x2, stride=2)',
    inputs: [x4(11, [2, 3, 3, 4]), x4(12, [3, 2, 2, 2]), x4(13, [2])],
    ours: (x, w, b) => convTranspose2d(x, w, { bias: b, stride: 2 }),
  },
  {
    name: 'convTranspose2d stride, padding, outputPadding, dilation, groups together',
    expr: 'F.conv_transpose2d(x0, x1, x2, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2))',
    inputs: [x4(14, [2, 4, 3, 4]), x4(15, [4, 3, 3, 2]), x4(16, [6])],
    ours: (x, w, b) =>
      convTranspose2d(x, w, {
        bias: b,
        stride: [2, 3],
        padding: [1, 0],
        outputPadding: [1, 2],
        groups: 2,
        dilation: [1, 2],
      }),
  },
  {
    name: 'upsample nearest to 5x7',
    expr: "F.interpolate(x0, size=(5, 7), mode='nearest')",
    inputs: [x4(17, [1, 2, 3, 4])],
    ours: (x) => upsample(x, { size: [5, 7] }),
  },
  {
    name: 'upsample nearest ×2',
    expr: "F.interpolate(x0, scale_factor=2, mode='nearest')",
    inputs: [x4(18, [2, 1, 3, 3])],
    ours: (x) => upsample(x, { scaleFactor: 2 }),
  },
  {
    name: 'upsample bilinear to 5x7',
    expr: "F.interpolate(x0, size=(5, 7), mode='bilinear', align_corners=False)",
    inputs: [x4(19, [1, 2, 3, 4])],
    ours: (x) => upsample(x, { size: [5, 7], mode: 'bilinear' }),
  },
  {
    name: 'upsample bilinear ×2 (scale factor)',
    expr: "F.interpolate(x0, scale_factor=2, mode='bilinear', align_corners=False)",
    inputs: [x4(20, [1, 2, 3, 4])],
    ours: (x) => upsample(x, { scaleFactor: 2, mode: 'bilinear' }),
  },
  {
    name: 'upsample bilinear, corners aligned, 4 → 7 (every other output on a grid point)',
    expr: "F.interpolate(x0, size=(7, 7), mode='bilinear', align_corners=True)",
    inputs: [x4(21, [1, 2, 4, 4])],
    ours: (x) => upsample(x, { size: 7, mode: 'bilinear', alignCorners: true }),
  },
  {
    name: 'upsample bilinear down 5x6 → 2x3',
    expr: "F.interpolate(x0, size=(2, 3), mode='bilinear', align_corners=False)",
    inputs: [x4(22, [1, 1, 5, 6])],
    ours: (x) => upsample(x, { size: [2, 3], mode: 'bilinear' }),
  },
  {
    name: 'adaptiveMaxPool2d 5x7 → 2x3, tied values',
    expr: 'F.adaptive_max_pool2d(x0, (2, 3))',
    inputs: [{ values: ties(23, [2, 3, 5, 7]), shape: [2, 3, 5, 7] }],
    ours: (x) => adaptiveMaxPool2d(x, [2, 3]),
  },
  {
    name: 'adaptiveMaxPool2d 6x6 → 3x3 (even bins), tied values',
    expr: 'F.adaptive_max_pool2d(x0, 3)',
    inputs: [{ values: ties(24, [1, 2, 6, 6]), shape: [1, 2, 6, 6] }],
    ours: (x) => adaptiveMaxPool2d(x, 3),
  },
  {
    name: 'adaptiveMaxPool2d 4x5 → 3x4 (overlapping bins)',
    expr: 'F.adaptive_max_pool2d(x0, (3, 4))',
    inputs: [x4(25, [1, 2, 4, 5])],
    ours: (x) => adaptiveMaxPool2d(x, [3, 4]),
  },
  {
    name: 'embedding with repeated rows',
    expr: 'F.embedding(x1, x0)',
    inputs: [x4(26, [5, 3]), { values: [0, 4, 4, 2, 0, 0], shape: [2, 3], int: true }],
    ours: (w, i) => F.embedding(i, w),
  },
];

describe.skipIf(missing !== null)(
  `new ops against PyTorch in float64${missing === null ? '' : ` (skipped: ${missing})`}`,
  () => {
    const inputs = CASES.map((c) =>
      c.inputs.map((s) =>
        s.int ? tensor(Int32Array.from(s.values), { shape: s.shape, dtype: 'int32' }) : f64(s.values, s.shape),
      ),
    );
    const ys = CASES.map((c, i) => c.ours(...inputs[i]!));
    const cots = ys.map((y, i) => normal(100 + i, y.shape));
    const py: PyCase[] = CASES.map((c, i) => ({
      name: c.name,
      expr: c.expr,
      inputs: c.inputs.map((s) => ({ values: s.values, shape: s.shape, dtype: s.int ? 'int64' : 'float64' })),
      cot: cots[i]!,
    }));
    const torch = missing === null ? torchReference(py) : [];

    it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
      const c = CASES[i]!;
      const want = torch[i]!;
      const y = ys[i]!;
      expect(y.shape, 'shape').toEqual(want.shape);
      let worst = 0;
      const compare = (got: ArrayLike<number>, ref: readonly number[], what: string) => {
        expect(got.length, what).toBe(ref.length);
        for (let j = 0; j < ref.length; j++) {
          const err = Math.abs(got[j]! - ref[j]!) / (1 + Math.abs(ref[j]!));
          worst = Math.max(worst, err);
          expect(err, `${what}[${j}]: tapenet ${got[j]}, PyTorch ${ref[j]}`).toBeLessThanOrEqual(TOL);
        }
      };
      compare(y.data(), want.y, 'y');
      const floats = inputs[i]!.flatMap((t, j) => (t.dtype === 'float64' ? [j] : []));
      const u = f64(cots[i]!, y.shape);
      const loss = (...fs: Tensor[]) => {
        const all = [...inputs[i]!];
        floats.forEach((j, k) => {
          all[j] = fs[k]!;
        });
        return sum(mul(c.ours(...all), u));
      };
      const gs = grad(loss, { argnums: floats.map((_, k) => k) })(...floats.map((j) => inputs[i]![j]!)) as Tensor[];
      floats.forEach((j, k) => {
        compare(gs[k]!.data(), want.grads[j]!, `grad x${j}`);
      });
      if (process.env.TAPENET_PRINT_ERRORS === '1')
        console.log(`${c.name}: max relative error ${worst.toExponential(2)}`);
    });
  },
);
