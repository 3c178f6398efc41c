/**
 * @file A conformance subset any backend can run in the page: each case runs one kernel on seeded inputs
 * on `reference` and on the backend under test, and compares in float32 (|a − b| ≤ 1e-4 + 1e-3·|b|). The
 * full suite (fast-check, every kernel) runs in Node (`packages/kernels/test`); this one proves that a
 * backend really computes in this browser, e.g. gpu.js in WebGL2.
 */
import { type Backend, type Conv2dAttrs, type KTensor, type Pool2dAttrs, reference } from '@tapenet/kernels';
import { rng } from './data.js';

type Inputs = readonly (readonly number[])[];
type Case = {
  readonly name: string;
  /** Input shapes; values are drawn in [-2, 2). */
  readonly shapes: Inputs;
  readonly run: (b: Backend, xs: readonly KTensor[]) => KTensor;
};

const conv: Conv2dAttrs = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
const conv2: Conv2dAttrs = { stride: [2, 2], padding: [0, 1, 2, 0], dilation: [1, 1], groups: 1 };
const pool: Pool2dAttrs = { kernel: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1] };

export const CASES: readonly Case[] = [
  { name: 'unary exp', shapes: [[3, 5]], run: (b, [x]) => b.kernels.unary('exp', x!) },
  { name: 'unary tanh', shapes: [[4, 7]], run: (b, [x]) => b.kernels.unary('tanh', x!) },
  { name: 'unary relu', shapes: [[33]], run: (b, [x]) => b.kernels.unary('relu', x!) },
  {
    name: 'binary add (broadcast)',
    shapes: [
      [2, 3, 4],
      [1, 3, 1],
    ],
    run: (b, [x, y]) => b.kernels.binary('add', x!, y!),
  },
  {
    name: 'binary mul',
    shapes: [
      [5, 6],
      [5, 6],
    ],
    run: (b, [x, y]) => b.kernels.binary('mul', x!, y!),
  },
  {
    name: 'binary maximum (broadcast)',
    shapes: [
      [4, 1],
      [1, 5],
    ],
    run: (b, [x, y]) => b.kernels.binary('maximum', x!, y!),
  },
  {
    name: 'compare less',
    shapes: [
      [6, 4],
      [6, 4],
    ],
    run: (b, [x, y]) => b.kernels.compare('less', x!, y!),
  },
  { name: 'reduce sum', shapes: [[4, 6, 5]], run: (b, [x]) => b.kernels.reduce('sum', x!, [1]) },
  { name: 'reduce max', shapes: [[3, 8]], run: (b, [x]) => b.kernels.reduce('max', x!, [0, 1]) },
  {
    name: 'matmul',
    shapes: [
      [7, 5],
      [5, 9],
    ],
    run: (b, [x, y]) => b.kernels.matmul(x!, y!, false, false),
  },
  {
    name: 'matmul (transposed)',
    shapes: [
      [5, 7],
      [9, 5],
    ],
    run: (b, [x, y]) => b.kernels.matmul(x!, y!, true, true),
  },
  {
    name: 'conv2d 3x3 pad 1',
    shapes: [
      [2, 3, 9, 8],
      [4, 3, 3, 3],
    ],
    run: (b, [x, w]) => b.kernels.conv2d(x!, w!, conv),
  },
  {
    name: 'conv2d stride 2, uneven pad',
    shapes: [
      [1, 2, 7, 7],
      [3, 2, 3, 3],
    ],
    run: (b, [x, w]) => b.kernels.conv2d(x!, w!, conv2),
  },
  {
    name: 'conv2d input gradient',
    shapes: [
      [2, 4, 9, 8],
      [4, 3, 3, 3],
    ],
    run: (b, [dy, w]) => b.kernels.conv2dBackpropInput(dy!, w!, [2, 3, 9, 8], conv),
  },
  {
    name: 'conv2d filter gradient',
    shapes: [
      [2, 3, 9, 8],
      [2, 4, 9, 8],
    ],
    run: (b, [x, dy]) => b.kernels.conv2dBackpropFilter(x!, dy!, [4, 3, 3, 3], conv),
  },
  { name: 'maxPool2d', shapes: [[2, 3, 8, 6]], run: (b, [x]) => b.kernels.maxPool2d(x!, pool).values },
  {
    name: 'avgPool2d',
    shapes: [[2, 3, 8, 6]],
    run: (b, [x]) => b.kernels.avgPool2d(x!, { ...pool, countIncludePad: false }),
  },
  { name: 'softmax', shapes: [[5, 10]], run: (b, [x]) => b.kernels.softmax(x!, 1) },
  { name: 'logSoftmax', shapes: [[5, 10]], run: (b, [x]) => b.kernels.logSoftmax(x!, 1) },
  { name: 'transpose', shapes: [[2, 3, 4]], run: (b, [x]) => b.kernels.transpose(x!, [2, 0, 1]) },
  {
    name: 'pad (edge)',
    shapes: [[3, 4]],
    run: (b, [x]) =>
      b.kernels.pad(
        x!,
        [
          [1, 2],
          [0, 1],
        ],
        'edge',
        0,
      ),
  },
  {
    name: 'concat',
    shapes: [
      [2, 3],
      [2, 5],
    ],
    run: (b, [x, y]) => b.kernels.concat([x!, y!], 1),
  },
];

export type CaseResult = {
  readonly name: string;
  readonly ok: boolean;
  readonly maxError: number;
  readonly error?: string;
};

function values(shape: readonly number[], next: () => number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => 4 * next() - 2);
}

/** Runs every case on `backend` and on `reference`; one result per case (a thrown error fails it). */
export function runSelfTest(backend: Backend, seed = 1): CaseResult[] {
  return CASES.map((c) => {
    const next = rng(seed);
    const inputs = c.shapes.map((s) => values(s, next));
    try {
      const ref: Backend = reference;
      const want = ref.read(
        c.run(
          ref,
          inputs.map((v, i) => ref.upload(v, c.shapes[i]!)),
        ),
      );
      const got = backend.read(
        c.run(
          backend,
          inputs.map((v, i) => backend.upload(v, c.shapes[i]!)),
        ),
      );
      if (got.length !== want.length) return { name: c.name, ok: false, maxError: Infinity, error: 'size differs' };
      let maxError = 0;
      let ok = true;
      for (let i = 0; i < want.length; i++) {
        const err = Math.abs(got[i]! - want[i]!);
        maxError = Math.max(maxError, err);
        if (!(err <= 1e-4 + 1e-3 * Math.abs(want[i]!))) ok = false;
      }
      return { name: c.name, ok, maxError };
    } catch (e) {
      return { name: c.name, ok: false, maxError: Infinity, error: e instanceof Error ? e.message : String(e) };
    }
  });
}
