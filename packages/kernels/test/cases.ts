/**
 * @file Every conformance case, keyed by kernel name. The mapped type makes a kernel added to `Kernels`
 * without cases a compile error; the suite also checks the keys at run time against `reference.kernels`.
 */
import type { KernelName } from '../src/backend.js';
import type { AnyCase } from './case.js';
import { ELEMENTWISE_CASES } from './cases-elementwise.js';
import { MOVEMENT_CASES } from './cases-movement.js';
import { NN_CASES } from './cases-nn.js';

export const CASES: { readonly [K in KernelName]: readonly AnyCase[] } = {
  ...ELEMENTWISE_CASES,
  ...NN_CASES,
  ...MOVEMENT_CASES,
};
