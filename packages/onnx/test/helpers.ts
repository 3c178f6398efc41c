/**
 * @file What the ONNX Runtime tests share: running an exported model in onnxruntime-node, tapenet's own
 * forward pass for the same input, and the one agreement rule with its reason.
 */
import { type FloatDType, isTensor, key, random, type Shape, type Tensor } from '@tapenet/autodiff';
import type { AnyLayer } from '@tapenet/layers';
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

export type Agreement = { readonly rel: number; readonly dims: readonly number[]; readonly bytes: number };

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
  return { rel: relDiff(got.data, ref.data()), dims: got.dims, bytes: bytes.length };
}

function expectDims(got: readonly number[], want: Shape): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new Error(`ORT output dims [${got.join(', ')}], tapenet's [${want.join(', ')}]`);
  }
}
