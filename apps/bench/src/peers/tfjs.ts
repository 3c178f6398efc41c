/**
 * @file TensorFlow.js columns: the pure-JS 'cpu' backend and the 'wasm' backend (XNNPACK), both from the
 * same tfjs-core engine. tfjs keeps one global active backend, so each runner switches to its backend
 * in `activate`, outside the clock. Layout is tfjs's native NHWC with HWIO filters. Prod mode is on.
 */
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { nchwToNhwc, oihwToHwio, uniform } from '../data.js';
import { isModelSpec, modelRunner, noZooPort, tapenetOnly } from '../model-runner.js';
import type { Impl, Output, Runner, Unavailable, WorkloadSpec } from '../types.js';
import { tfjsLenet } from './tfjs-lenet.js';

type Tf = typeof TF;

const shortError = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

async function prepareTfjs(tf: Tf, backend: string, spec: WorkloadSpec): Promise<Runner> {
  const activate = async (): Promise<void> => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  };
  if (isModelSpec(spec)) return modelRunner(spec, () => tfjsLenet(tf), activate);
  await activate();
  const kept: TF.Tensor[] = [];
  const keep = <T extends TF.Tensor>(t: T): T => {
    kept.push(t);
    return t;
  };
  const runner = (run: () => Output): Runner => ({
    activate,
    run: () => {
      let out: Output = [];
      tf.tidy(() => {
        out = run();
      });
      return out;
    },
    dispose: () => tf.dispose(kept),
  });
  switch (spec.kind) {
    case 'matmul': {
      const a = keep(tf.tensor2d(uniform(spec.m * spec.k, 1), [spec.m, spec.k]));
      const b = keep(tf.tensor2d(uniform(spec.k * spec.n, 2), [spec.k, spec.n]));
      return runner(() => [tf.matMul(a, b).dataSync()]);
    }
    case 'conv': {
      const { n, c, o, h, w, k, pad } = spec.shape;
      const ho = h + 2 * pad - k + 1;
      const wo = w + 2 * pad - k + 1;
      const x = keep(tf.tensor4d(nchwToNhwc(uniform(n * c * h * w, 3), n, c, h, w), [n, h, w, c]));
      const f = keep(tf.tensor4d(oihwToHwio(uniform(o * c * k * k, 4), o, c, k, k), [k, k, c, o]));
      const dy = keep(tf.tensor4d(nchwToNhwc(uniform(n * o * ho * wo, 5), n, o, ho, wo), [n, ho, wo, o]));
      const conv = (xi: TF.Tensor, fi: TF.Tensor): TF.Tensor4D =>
        tf.conv2d(xi as TF.Tensor4D, fi as TF.Tensor4D, 1, pad);
      if (spec.pass === 'fwd') return runner(() => [conv(x, f).dataSync()]);
      return runner(() => {
        const { value, grads } = tf.valueAndGrads(conv)([x, f], dy);
        return [value.dataSync(), grads[0]!.dataSync(), grads[1]!.dataSync()];
      });
    }
    case 'pool': {
      const { n, c, h, w, k } = spec.shape;
      const ho = Math.floor(h / k);
      const wo = Math.floor(w / k);
      const x = keep(tf.tensor4d(nchwToNhwc(uniform(n * c * h * w, 6), n, c, h, w), [n, h, w, c]));
      const dy = keep(tf.tensor4d(nchwToNhwc(uniform(n * c * ho * wo, 7), n, c, ho, wo), [n, ho, wo, c]));
      const pool = (xi: TF.Tensor): TF.Tensor4D => tf.maxPool(xi as TF.Tensor4D, k, k, 'valid');
      if (spec.pass === 'fwd') return runner(() => [pool(x).dataSync()]);
      return runner(() => {
        const { value, grads } = tf.valueAndGrads(pool)([x], dy);
        return [value.dataSync(), grads[0]!.dataSync()];
      });
    }
    case 'zoo-step':
      throw new Error(noZooPort(spec.name, `tfjs-${backend}`));
    case 'lenet-zoo-step':
      throw new Error(tapenetOnly(`tfjs-${backend}`));
    case 'pending':
      throw new Error(spec.reason);
  }
}

/** The tfjs 'cpu' and 'wasm' columns, or why they cannot run here. */
export async function tfjsImpls(): Promise<{ impls: Impl[]; unavailable: Unavailable[] }> {
  const impls: Impl[] = [];
  const unavailable: Unavailable[] = [];
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs');
    tf.enableProdMode();
    await tf.setBackend('cpu');
  } catch (e) {
    return {
      impls,
      unavailable: [
        { id: 'tfjs-cpu', reason: shortError(e) },
        { id: 'tfjs-wasm', reason: shortError(e) },
      ],
    };
  }
  impls.push({
    id: 'tfjs-cpu',
    family: 'peer',
    mode: `cpu (tfjs ${tf.version_core})`,
    notes: 'pure-JS kernels, float32, NHWC',
    prepare: (spec) => prepareTfjs(tf, 'cpu', spec),
  });
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from the package's dist folder.
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    wasm.setWasmPaths(`${join(dirname(pkg), 'dist')}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
    const mode = `wasm ${simd ? 'simd' : 'no-simd'}, ${threads ? `${wasm.getThreadsCount()} threads` : '1 thread (no multithread support)'}`;
    await tf.setBackend('cpu');
    impls.push({
      id: 'tfjs-wasm',
      family: 'peer',
      mode,
      notes: 'XNNPACK kernels, float32, NHWC',
      prepare: (spec) => prepareTfjs(tf, 'wasm', spec),
    });
  } catch (e) {
    unavailable.push({ id: 'tfjs-wasm', reason: shortError(e) });
  }
  return { impls, unavailable };
}
