/**
 * @file A conformance case and how it runs: upload the inputs to the backend under test and to the
 * reference, call the kernel on both, read back, check the inputs are unchanged, and compare element by
 * element with the tolerance named in `src/testing/tolerances.ts` (int32 results exactly).
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { Backend, Kernels, KTensor, Shape, TypedArray } from '../src/backend.js';
import { reference } from '../src/reference/index.js';
import type { HostTensor } from './arbitraries.js';
import { close, TOL, type TolName } from '../src/testing/index.js';

/** Uploads a host tensor to the backend under test (and remembers it for the input checks). */
export type Up = (t: HostTensor) => KTensor;

/** One conformance case: inputs drawn by `arb`, the kernel call, and how closely results must match. */
export interface Case<T> {
  readonly title: string;
  readonly arb: fc.Arbitrary<T>;
  /** The kernel call; a kernel with several outputs (max pooling's values and indices) returns them all. */
  readonly call: (k: Kernels<unknown>, up: Up, input: T) => KTensor | readonly KTensor[];
  /** Tolerance for float results (int32 results are always exact); default 'f32'. */
  readonly tol?: TolName;
  /** A worked example: one fixed input, run once whatever `numRuns` is. */
  readonly once?: boolean;
}

/** A case with its input type hidden, ready to register as a test or to run directly. */
export interface AnyCase {
  readonly title: string;
  readonly register: (backend: () => Backend, numRuns: number, seed: number | undefined) => void;
  /** Compares `backend` with the reference on one input drawn from `seed`; throws on a mismatch. */
  readonly check: (backend: Backend, seed: number) => void;
}

export function kase<T>(c: Case<T>): AnyCase {
  return {
    title: c.title,
    register: (backend, numRuns, seed) => {
      const params = seed === undefined ? { numRuns: c.once ? 1 : numRuns } : { numRuns: c.once ? 1 : numRuns, seed };
      test.prop([c.arb], params)(c.title, (input) => compareWithReference(backend(), c, input));
    },
    check: (backend, seed) => {
      const [input] = fc.sample(c.arb, { numRuns: 1, seed });
      if (input === undefined) throw new Error(`${c.title}: the arbitrary drew nothing`);
      compareWithReference(backend, c, input);
    },
  };
}

/** A worked example with fixed inputs. */
export function example(
  title: string,
  call: (k: Kernels<unknown>, up: Up) => KTensor | readonly KTensor[],
  tol: TolName = 'f32',
): AnyCase {
  return kase({ title, arb: fc.constant(null), call: (k, up) => call(k, up), tol, once: true });
}

interface Result {
  readonly shape: Shape;
  readonly dtype: string;
  readonly values: TypedArray;
}

function sameValues(a: TypedArray, b: TypedArray): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i]!)));
}

/** Uploads, calls, reads back every output; checks the inputs are unchanged; disposes everything it made. */
function evaluate<T>(b: Backend, c: Case<T>, input: T): Result[] {
  const uploaded: [KTensor, HostTensor][] = [];
  const up: Up = (t) => {
    const x = b.upload(t.values, t.shape);
    uploaded.push([x, t]);
    return x;
  };
  try {
    const out = c.call(b.kernels, up, input);
    const ys = Array.isArray(out) ? out : [out as KTensor];
    const results = ys.map((y) => ({ shape: [...y.shape], dtype: y.dtype, values: b.read(y) }));
    for (const [x, t] of uploaded) {
      if (!sameValues(b.read(x), t.values)) throw new Error(`${b.name}: ${c.title} changed one of its inputs`);
    }
    for (const y of ys) b.dispose(y);
    return results;
  } finally {
    for (const [x] of uploaded) b.dispose(x);
  }
}

/** Runs the case on `b` and on the reference and fails on the first element out of tolerance. */
export function compareWithReference<T>(b: Backend, c: Case<T>, input: T): void {
  const wants = evaluate(reference, c, input);
  const gots = evaluate(b, c, input);
  expect(gots.length, 'outputs').toBe(wants.length);
  wants.forEach((want, j) => {
    const got = gots[j]!;
    const which = wants.length > 1 ? `output ${j}: ` : '';
    expect(got.shape, `${which}shape`).toEqual(want.shape);
    expect(got.dtype, `${which}dtype`).toBe(want.dtype);
    expect(got.values.length, `${which}length`).toBe(want.values.length);
    const tolName: TolName = want.dtype === 'int32' ? 'exact' : (c.tol ?? 'f32');
    const tol = TOL[tolName];
    for (let i = 0; i < want.values.length; i++) {
      const [g, w] = [got.values[i]!, want.values[i]!];
      if (!close(g, w, tol)) {
        const n = want.values.length;
        throw new Error(
          `${b.name} (${b.mode}): ${which}element ${i} of ${n} [${want.shape}] is ${g}, reference ${w} (tolerance ${tolName}: rtol ${tol.rtol}, atol ${tol.atol})`,
        );
      }
    }
  });
}
