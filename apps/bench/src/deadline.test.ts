/** @file deadlineBackend: forwards results unchanged within the limit, throws at the first call past it. */
import { reference } from '@tapenet/kernels';
import { expect, test } from 'vitest';
import { deadlineBackend, StepTimeoutError } from './deadline.js';

test('a call within the limit forwards; the first kernel call, upload or read past it throws', () => {
  const d = deadlineBackend(reference);
  const x = d.backend.upload(Float32Array.of(1, -2), [2]);
  const y = d.within(60_000, () => d.backend.kernels.unary('neg', x));
  expect([...d.backend.read(y)]).toEqual([-1, 2]);
  const past = (call: () => unknown) =>
    d.within(1, () => {
      const t0 = performance.now();
      while (performance.now() - t0 < 5);
      return call();
    });
  expect(() => past(() => d.backend.kernels.unary('neg', x))).toThrow(StepTimeoutError);
  expect(() => past(() => d.backend.upload(Float32Array.of(1), [1]))).toThrow(/timeout: one step took over/);
  expect(() => past(() => d.backend.read(x))).toThrow(StepTimeoutError);
  // Disarmed after `within`: no limit.
  expect([...d.backend.read(d.backend.kernels.unary('neg', x))]).toEqual([-1, 2]);
});
