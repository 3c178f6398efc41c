/**
 * @file What the ONNX Runtime tests share: running an exported model in onnxruntime-node, tapenet's own
 * forward pass for the same input, and the one agreement rule with its reason.
 */
import { type FloatDType, isTensor, key, random, type Shape, type Tensor, tensor } from '@tapenet/autodiff';
import type { AnyLayer, ShapeTree } from '@tapenet/layers';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../src/index.js';

/**
 * Agreement rule: `max |ort − tapenet| ≤ TOLERANCE · max(1, max |tapenet|)`. Both compute in float32 but
 * sum in different orders (ORT's GEMM/conv kernels block and vectorise; tapenet's accumulate in its
 * own order, some in float64), so results differ by float32 rounding, which grows with depth and with
 * the size of the sums: 1e-4 relative to the output's scale leaves room for ImageNet-size convolutions
 * and is still far below any mapping error (a wrong pad, axis or eps shows up at 1e-2 or more).
 */
export const TOLERANCE = 1e-4;

/** The batch ORT runs by default: neither trace batch size (2 and 3), to prove the batch dim is symbolic. */
export const ORT_BATCH = 4;

/** Runs an ONNX model on one float32 input and returns its first output. */
export async function runOrt(
  bytes: Uint8Array,
  x: Tensor,
  names: { input?: string; output?: string } = {},
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
  try {
    const feeds = { [names.input ?? 'input']: new ort.Tensor('float32', Float32Array.from(x.data()), [...x.shape]) };
    const out = (await session.run(feeds))[names.output ?? 'logits']!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

/** `max |a − b| / max(1, max |b|)`: the relative difference that `TOLERANCE` bounds. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length === b.length ? diff / scale : Number.POSITIVE_INFINITY;
}

/**
 * Batch-norm state with random running statistics (means N(0, 0.5²), variances in [0.5, 1.5]), so that
 * eval-mode batch norm is really exercised (init's 0 and 1 would make it a plain affine map).
 */
export function randomStats<S>(state: S, seed = 7): S {
  let n = 0;
  const walk = (t: unknown, name: string): unknown => {
    if (Array.isArray(t)) return t.map((c, i) => walk(c, String(i)));
    if (isTensor(t)) {
      const k = key(seed * 1000 + n++);
      if (name === 'running_mean') return random.normal(k, t.shape, 0, 0.5, { dtype: t.dtype as FloatDType });
      if (name === 'running_var') return random.uniform(k, t.shape, 0.5, 1.5, { dtype: t.dtype as FloatDType });
      return t;
    }
    if (t !== null && typeof t === 'object') {
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, walk(v, k)]));
    }
    return t;
  };
  return walk(state, '') as S;
}

/** A fast deterministic generator of uniform numbers in [-1, 1) (xorshift32). */
function uniforms(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return a;
}

/**
 * Params and state for `model` at `inShape` from its `describe` alone, filled fast: weights uniform with
 * variance 1/fanIn (fanIn = the product of all dims but the first), so activations keep their scale
 * through deep nets; batch-norm running means in ±0.5 and variances in [0.5, 1.5] (eval-mode batch norm
 * really normalises); `num_batches_tracked` an int32 0. Initialising VGG-11's 132M parameters with the
 * layers' own initialisers takes over 30 s on this machine; this takes under one.
 */
export function fastInit(model: AnyLayer, inShape: Shape, seed = 1): { params: unknown; state: unknown } {
  const info = model.describe(inShape);
  let n = seed;
  const isShape = (t: ShapeTree): t is Shape => Array.isArray(t) && t.every((d) => typeof d === 'number');
  const build = (t: ShapeTree, name: string): unknown => {
    if (isShape(t)) {
      const size = t.reduce((a, b) => a * b, 1);
      if (name === 'num_batches_tracked') return tensor(new Int32Array(size), { shape: t });
      const u = uniforms(size, n++);
      if (name === 'running_var') for (let i = 0; i < size; i++) u[i] = 1 + u[i]! / 2;
      else if (name === 'running_mean') for (let i = 0; i < size; i++) u[i]! /= 2;
      else {
        const scale = Math.sqrt(3 / Math.max(1, size / t[0]!)); // U(±√(3/fanIn)) has variance 1/fanIn
        for (let i = 0; i < size; i++) u[i]! *= scale;
      }
      return tensor(u, { shape: t });
    }
    if (Array.isArray(t)) return (t as readonly ShapeTree[]).map((c, i) => build(c, String(i)));
    return Object.fromEntries(Object.entries(t as Record<string, ShapeTree>).map(([k, v]) => [k, build(v, k)]));
  };
  return { params: build(info.params, ''), state: build(info.state, '') };
}

export type Agreement = {
  /** `relDiff(ort, tapenet)`. */
  readonly rel: number;
  /** ORT's output dims. */
  readonly dims: readonly number[];
  /** Size of the ONNX model in bytes. */
  readonly bytes: number;
  /**
   * Largest difference between two examples' outputs (between neighbouring outputs at batch 1): > 0
   * shows the comparison is not degenerate.
   */
  readonly spread: number;
};

/**
 * Exports `model`, runs it in ORT at `batch` (default `ORT_BATCH`) and returns the relative difference from
 * tapenet's forward pass on the same input (eval mode).
 */
export async function agreement(
  model: AnyLayer,
  params: unknown,
  state: unknown,
  inShape: Shape,
  batch = ORT_BATCH,
): Promise<Agreement> {
  const bytes = exportOnnx(model, params, state, { inShape });
  const x = random.normal(key(batch), [batch, ...inShape]);
  const ref = model.apply(params, state, x, { train: false }).y as Tensor;
  const got = await runOrt(bytes, x);
  expectDims(got.dims, ref.shape);
  const want = ref.data();
  // Across examples when there are several (the output depends on the input), else across the output.
  const per = batch > 1 ? want.length / batch : 1;
  let spread = 0;
  for (let i = per; i < want.length; i++) spread = Math.max(spread, Math.abs(want[i]! - want[i - per]!));
  return { rel: relDiff(got.data, want), dims: got.dims, bytes: bytes.length, spread };
}

function expectDims(got: readonly number[], want: Shape): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new Error(`ORT output dims [${got.join(', ')}], tapenet's [${want.join(', ')}]`);
  }
}
