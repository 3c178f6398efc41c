/** @file profileBackend: counts and times every kernel call without changing results. */
import { add, matmul, tensor, withBackend } from '@tapenet/autodiff';
import { reference } from '@tapenet/kernels';
import { expect, test } from 'vitest';
import { profileBackend } from './profile.js';

test('profileBackend counts kernel calls by name and op and forwards results unchanged', () => {
  const p = profileBackend(reference);
  const y = withBackend(p.backend, () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    return add(matmul(a, a), a).toArray();
  });
  expect(y).toEqual([
    [8, 12],
    [18, 26],
  ]);
  const byName = Object.fromEntries(p.report().map((e) => [e.name, e]));
  expect(byName.matmul?.calls).toBe(1);
  expect(byName['binary:add']?.calls).toBe(1);
  expect(byName.upload?.calls).toBe(1);
  expect(byName.read?.calls).toBe(1);
  for (const e of p.report()) expect(e.ms).toBeGreaterThanOrEqual(0);
  p.reset();
  expect(p.report()).toEqual([]);
});
