/**
 * @file The conformance suite run on `reference` itself (it must agree with itself, which checks that
 * every case draws valid inputs), plus checks that the suite can fail: mutants of the reference that
 * drop taps past 100 (gpu.js's silent loop truncation), round badly or alter an input are caught.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, Kernels, KTensor, TypedArray } from '../src/backend.js';
import { reference } from '../src/reference/index.js';
import type { AnyCase } from './case.js';
import { CASES } from './cases.js';
import { describeConformance } from './conformance.js';

describeConformance('reference', () => reference, { numRuns: 20, mode: 'js' });

/** The reference with some kernels replaced. */
function mutant(kernels: Partial<Kernels<unknown>>): Backend {
  const base = reference as Backend;
  return { ...base, kernels: { ...base.kernels, ...kernels } };
}

const caseTitled = (list: readonly AnyCase[], title: string): AnyCase => {
  const c = list.find((x) => x.title.startsWith(title));
  if (c === undefined) throw new Error(`no case titled ${title}`);
  return c;
};

describe('the suite fails a wrong backend', () => {
  it('conv2d that sums only the first 100 taps (silent loop truncation) fails the 576-tap case', () => {
    const truncated = mutant({
      conv2d: (x, w, attrs) => {
        // Zero every weight past the first 11 input channels (11·3·3 = 99 taps), as a truncated loop would.
        const ws = reference.read(w as KTensor<TypedArray>);
        const perFilter = w.shape.slice(1).reduce((a, b) => a * b, 1);
        const cut = ws.map((v, i) => (i % perFilter < 99 ? v : 0));
        const wt = reference.upload(cut, w.shape);
        return reference.kernels.conv2d(x as KTensor<TypedArray>, wt, attrs);
      },
    });
    const c = caseTitled(CASES.conv2d, 'Cin·K·K');
    expect(() => c.check(truncated, 1)).toThrow(/element/);
    expect(() => c.check(reference, 1)).not.toThrow();
  });

  it('a matmul off by 1% fails', () => {
    const off = mutant({
      matmul: (a, b, ta, tb) => {
        const y = reference.kernels.matmul(a as KTensor<TypedArray>, b as KTensor<TypedArray>, ta, tb);
        return reference.upload(
          y.data.map((v) => v * 1.01),
          y.shape,
        );
      },
    });
    expect(() => caseTitled(CASES.matmul, 'batched').check(off, 3)).toThrow(/element/);
  });

  it('an argmax that returns the last of tied maxima fails', () => {
    const last = mutant({
      argReduce: (_op, x, axis) => {
        const { data, shape } = x as KTensor<TypedArray>;
        const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
        const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const len = shape[axis]!;
        const out = new Int32Array(outer * inner);
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let at = 0;
            for (let j = 1; j < len; j++) {
              if (data[(o * len + j) * inner + i]! >= data[(o * len + at) * inner + i]!) at = j;
            }
            out[o * inner + i] = at;
          }
        }
        return reference.upload(
          out,
          shape.filter((_, a) => a !== axis),
        );
      },
    });
    const c = caseTitled(CASES.argReduce, 'argmax');
    const failures = [...new Array(20).keys()].filter((seed) => {
      try {
        c.check(last, seed);
        return false;
      } catch {
        return true;
      }
    });
    expect(failures.length).toBeGreaterThan(0);
  });

  it('a kernel that writes into its input fails', () => {
    const writes = mutant({
      unary: (op, x) => {
        const y = reference.kernels.unary(op, x as KTensor<TypedArray>);
        (x as KTensor<TypedArray>).data.fill(0);
        return y;
      },
    });
    expect(() => caseTitled(CASES.unary, 'exp').check(writes, 5)).toThrow(/changed one of its inputs/);
  });
});
