/**
 * @file tapenet columns: one per backend (and per gpu.js mode) that `@tapenet/kernels` and
 * `@tapenet/backend-gpujs` can create here.
 * Every workload runs through @tapenet/autodiff ops, the path users run, inside `withBackend`, and reads
 * its results back with `Tensor.data()`.
 */
import { conv2d, dispose, matmul, maxPool2d, scope, type Tensor, tensor, vjp, withBackend } from '@tapenet/autodiff';
import { createGpujsBackend, type GpujsMode } from '@tapenet/backend-gpujs';
import { type Backend, type BackendOptions, backendNames, createBackend } from '@tapenet/kernels';
import { uniform } from '../data.js';
import { isModelSpec, modelRunner } from '../model-runner.js';
import type { Impl, Output, Runner, Unavailable, WorkloadSpec } from '../types.js';
import { tapenetLenet } from './lenet.js';
import { prepareLenetZooStep } from './lenet-zoo.js';
import { prepareZooStep } from './zoo-step.js';

/** Options of one column: kernels' `createBackend` options, or the gpu.js mode. */
type Variant = BackendOptions & { readonly mode?: GpujsMode };

/** Creates a column's backend: the gpujs backend from its own package, the others by name from kernels. */
const create = (name: string, opts: Variant): Backend =>
  name === 'gpujs' ? createGpujsBackend({ mode: opts.mode ?? 'gpu' }) : createBackend(name, opts);

/** Option sets tried per backend name; names not listed are created once with default options. */
const VARIANTS: { readonly [name: string]: readonly Variant[] } = {
  gpujs: [{ mode: 'cpu' }, { mode: 'webasm' }, { mode: 'headlessgl' }],
  // The default (every available core, fused multiply-add where relaxed SIMD runs), one thread (the figure
  // the issue asks for next to it) and the plain SIMD build on every core.
  wasm: [{}, { threads: 1 }, { fma: false }],
};

/** Column id suffix for an option set: the gpu.js mode, or the wasm thread count when it is not the default. */
const suffix = (opts: Variant): string =>
  opts.mode !== undefined
    ? `/${opts.mode}`
    : opts.threads !== undefined
      ? `/${opts.threads}t`
      : opts.fma === false
        ? '/nofma'
        : '';

const shortError = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Prepares `spec` on `backend`: inputs are created on it once, `run` does the timed work. */
export async function prepareTapenet(backend: Backend, spec: WorkloadSpec): Promise<Runner> {
  if (isModelSpec(spec)) return modelRunner(spec, () => tapenetLenet(backend));
  const on = <T>(f: () => T): T => withBackend(backend, f);
  const make = (shape: readonly number[], seed: number): Tensor =>
    tensor(
      uniform(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
      { shape },
    );
  // Each run's outputs and intermediates are released when it returns (it returns host arrays only), so
  // a wasm column reuses its blocks instead of growing its memory until the garbage collector runs; the
  // inputs go with the runner.
  const runner = (run: () => Output, inputs: readonly Tensor[]): Runner => ({
    run: () => on(() => scope(run)),
    dispose: () => dispose(inputs),
  });
  switch (spec.kind) {
    case 'matmul': {
      const [a, b] = on(() => [make([spec.m, spec.k], 1), make([spec.k, spec.n], 2)] as const);
      return runner(() => [matmul(a, b).data()], [a, b]);
    }
    case 'conv': {
      const { n, c, o, h, w, k, pad } = spec.shape;
      const ho = h + 2 * pad - k + 1;
      const wo = w + 2 * pad - k + 1;
      const [x, f, dy] = on(() => [make([n, c, h, w], 3), make([o, c, k, k], 4), make([n, o, ho, wo], 5)] as const);
      const conv = (xi: Tensor, fi: Tensor): Tensor => conv2d(xi, fi, { padding: pad });
      if (spec.pass === 'fwd') return runner(() => [conv(x, f).data()], [x, f, dy]);
      return runner(() => {
        const [y, pullback] = vjp(conv, x, f);
        const [dx, df] = pullback(dy);
        return [y.data(), dx.data(), df.data()];
      }, [x, f, dy]);
    }
    case 'pool': {
      const { n, c, h, w, k } = spec.shape;
      const [x, dy] = on(() => [make([n, c, h, w], 6), make([n, c, Math.floor(h / k), Math.floor(w / k)], 7)] as const);
      const pool = (xi: Tensor): Tensor => maxPool2d(xi, k);
      if (spec.pass === 'fwd') return runner(() => [pool(x).data()], [x, dy]);
      return runner(() => {
        const [y, pullback] = vjp(pool, x);
        const [dx] = pullback(dy);
        return [y.data(), dx.data()];
      }, [x, dy]);
    }
    case 'lenet-zoo-step':
      return prepareLenetZooStep(backend, spec);
    case 'zoo-step':
      return prepareZooStep(backend, spec);
    case 'pending':
      throw new Error(spec.reason);
  }
}

/** Every tapenet backend/mode that can be created here, plus the ones that cannot and why. */
export function tapenetImpls(): { impls: Impl[]; unavailable: Unavailable[]; backends: Map<string, Backend> } {
  const impls: Impl[] = [];
  const backends = new Map<string, Backend>();
  const unavailable: Unavailable[] = [];
  for (const name of [...backendNames(), 'gpujs']) {
    for (const opts of VARIANTS[name] ?? [{}]) {
      const id = `tapenet:${name}${suffix(opts)}`;
      let backend: Backend;
      try {
        backend = create(name, opts);
      } catch (e) {
        unavailable.push({ id, reason: shortError(e) });
        continue;
      }
      backends.set(id, backend);
      const asked = opts.mode !== undefined && opts.mode !== backend.mode ? ` (asked for '${opts.mode}')` : '';
      impls.push({
        id,
        family: 'tapenet',
        mode: `${backend.mode}${asked}`,
        notes: `float32, NCHW; through @tapenet/autodiff ops on backend '${name}'`,
        prepare: (spec) => prepareTapenet(backend, spec),
      });
    }
  }
  return { impls, unavailable, backends };
}
