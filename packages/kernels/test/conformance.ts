/**
 * @file The one conformance suite every backend runs: each kernel of the `Kernels` interface is compared
 * with the `reference` backend on fast-check-drawn shapes and values plus worked examples (`cases.ts`), in
 * float32, with the tolerances of `src/testing/tolerances.ts` (the one table, also `@tapenet/kernels/testing`). It also checks that no kernel changes its inputs, that
 * the backend reports the mode that really runs, and that the suite covers every kernel name
 * `reference.kernels` has (a kernel added to the interface without cases fails here).
 *
 * @example
 * describeConformance('gpujs (cpu)', () => createGpujsBackend({ mode: 'cpu' }), { numRuns: 3, mode: 'cpu' });
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, KernelName } from '../src/backend.js';
import { reference } from '../src/reference/index.js';
import type { AnyCase } from './case.js';
import { CASES } from './cases.js';

export interface ConformanceOptions<B extends Backend> {
  /** fast-check runs per random case (worked examples run once). */
  readonly numRuns: number;
  /** The `mode` the backend must report (asserted: what really runs). */
  readonly mode: string;
  readonly seed?: number;
  /** When set, the whole suite is skipped and this reason shows in its title. */
  readonly skip?: string | null;
  /** Called after the suite, e.g. to free GPU resources. */
  readonly teardown?: (backend: B) => void;
}

/** Registers the suite for one backend: a describe block per kernel name, one test per case. */
export function describeConformance<B extends Backend>(
  label: string,
  make: () => B,
  opts: ConformanceOptions<B>,
): void {
  const cases: { readonly [K in KernelName]: readonly AnyCase[] } = CASES;
  const skip = opts.skip ?? null;
  const title = skip === null ? label : `${label} [skipped: ${skip}]`;
  describe.skipIf(skip !== null)(title, () => {
    let backend: B | undefined;
    const get = (): B => {
      if (backend === undefined) throw new Error(`${label}: the backend was not created`);
      return backend;
    };
    beforeAll(() => {
      backend = make();
    });
    afterAll(() => {
      if (backend !== undefined) opts.teardown?.(backend);
    });

    it(`runs in mode '${opts.mode}'`, () => {
      expect(get().mode).toBe(opts.mode);
    });

    it('covers every kernel of reference.kernels, and the backend implements each', () => {
      for (const name of Object.keys(reference.kernels)) {
        expect(cases[name as KernelName]?.length ?? 0, `cases for ${name}`).toBeGreaterThan(0);
        expect(typeof get().kernels[name as KernelName], `${get().name}.kernels.${name}`).toBe('function');
      }
    });

    for (const name of Object.keys(cases) as KernelName[]) {
      describe(name, () => {
        for (const c of cases[name]) c.register(get, opts.numRuns, opts.seed);
      });
    }
  });
}
