/**
 * @file jax-js columns: the 'wasm' device (jax-js generates SIMD wasm kernels; it spreads work over a
 * worker pool only where a global `Worker` and `SharedArrayBuffer` exist, which Node 20 lacks). Layout is
 * NCHW/OIHW as in tapenet. jax-js arrays are lazy and reference counted: runners pass `.ref` for inputs
 * they keep, and every result is read with `dataSync()` (which realises it and drops the reference).
 */
import type * as Jax from '@jax-js/jax';
import { uniform } from '../data.js';
import { isModelSpec, modelRunner, noZooPort, tapenetOnly } from '../model-runner.js';
import type { Impl, Output, Runner, Unavailable, WorkloadSpec } from '../types.js';
import { jaxLenet } from './jax-lenet.js';

type JaxModule = typeof Jax;
type JArray = Jax.Array;

const shortError = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

function prepareJax(jax: JaxModule, spec: WorkloadSpec, jitStep: boolean): Runner | Promise<Runner> {
  const { numpy: np, lax } = jax;
  if (isModelSpec(spec)) return modelRunner(spec, () => jaxLenet(jax, jitStep));
  const kept: JArray[] = [];
  const make = (shape: number[], seed: number): JArray => {
    const a = np
      .array(
        uniform(
          shape.reduce((p, q) => p * q, 1),
          seed,
        ),
      )
      .reshape(shape);
    kept.push(a);
    return a;
  };
  const runner = (run: () => Output): Runner => ({ run, dispose: () => jax.tree.dispose(kept) });
  switch (spec.kind) {
    case 'matmul': {
      const a = make([spec.m, spec.k], 1);
      const b = make([spec.k, spec.n], 2);
      return runner(() => [np.matmul(a.ref, b.ref).dataSync()]);
    }
    case 'conv': {
      const { n, c, o, h, w, k, pad } = spec.shape;
      const ho = h + 2 * pad - k + 1;
      const wo = w + 2 * pad - k + 1;
      const x = make([n, c, h, w], 3);
      const f = make([o, c, k, k], 4);
      const dy = make([n, o, ho, wo], 5);
      const conv = (xi: JArray, fi: JArray): JArray =>
        lax.convGeneralDilated(
          xi,
          fi,
          [1, 1],
          [
            [pad, pad],
            [pad, pad],
          ],
        );
      if (spec.pass === 'fwd') return runner(() => [conv(x.ref, f.ref).dataSync()]);
      return runner(() => {
        const [y, pullback] = jax.vjp(conv, [x.ref, f.ref]);
        const yd = y.dataSync();
        const [dx, df] = pullback(dy.ref);
        pullback.dispose();
        return [yd, dx.dataSync(), df.dataSync()];
      });
    }
    case 'pool': {
      const { n, c, h, w, k } = spec.shape;
      const x = make([n, c, h, w], 6);
      const dy = make([n, c, Math.floor(h / k), Math.floor(w / k)], 7);
      const pool = (xi: JArray): JArray => lax.reduceWindow(xi, (v) => np.max(v), [k, k], [k, k]);
      if (spec.pass === 'fwd') return runner(() => [pool(x.ref).dataSync()]);
      return runner(() => {
        const [y, pullback] = jax.vjp(pool, [x.ref]);
        const yd = y.dataSync();
        const [dx] = pullback(dy.ref);
        pullback.dispose();
        return [yd, dx.dataSync()];
      });
    }
    case 'zoo-step':
      throw new Error(noZooPort(spec.name, 'jax-js'));
    case 'lenet-zoo-step':
      throw new Error(tapenetOnly('jax-js'));
    case 'pending':
      throw new Error(spec.reason);
  }
}

/** The jax-js column (wasm device), or why it cannot run here. */
export async function jaxImpls(): Promise<{ impls: Impl[]; unavailable: Unavailable[] }> {
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new Error(`init('wasm') gave devices [${devices.join(', ')}]`);
    jax.defaultDevice('wasm');
    const g = globalThis as { Worker?: unknown; SharedArrayBuffer?: unknown };
    const workers = g.Worker !== undefined && g.SharedArrayBuffer !== undefined;
    const jitStep = true;
    return {
      impls: [
        {
          id: 'jax-js',
          family: 'peer',
          mode: `wasm, ${workers ? 'worker pool' : '1 thread (no global Worker)'}${jitStep ? '; model step jit' : ''}`,
          notes: 'float32, NCHW; kernels eager, the LeNet step under jit (how jax-js is meant to be used)',
          prepare: (spec) => prepareJax(jax, spec, jitStep),
        },
      ],
      unavailable: [],
    };
  } catch (e) {
    return { impls: [], unavailable: [{ id: 'jax-js', reason: shortError(e) }] };
  }
}
