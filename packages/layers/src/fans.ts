/**
 * @file Fans and gains of torch.nn.init, used by the initialisers and by the layers that compute their
 * weights' fans. Kept apart from init.ts so that the public `initializers` namespace holds initialisers
 * only: these two are internal (no semver promise).
 */
import { checkNumber, checkOneOf, type Shape } from '@tapenet/autodiff';
import type { Nonlinearity } from './init.js';

/**
 * torch.nn.init's fan convention for a weight shape `[out, in, ...receptive]` (`[n]` gives fanIn = fanOut = n).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export function fansOf(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it. */
export function gainOf(nl: Nonlinearity): number {
  if (typeof nl === 'object' && nl !== null) {
    const slope = checkNumber('gainOf', 'nonlinearity.leakyRelu', nl.leakyRelu);
    return Math.sqrt(2 / (1 + slope ** 2));
  }
  return GAINS[checkOneOf('gainOf', 'nonlinearity', nl, NONLINEARITIES) as keyof typeof GAINS];
}

const GAINS = { linear: 1, sigmoid: 1, relu: Math.SQRT2, tanh: 5 / 3 } as const;
const NONLINEARITIES = Object.keys(GAINS) as (keyof typeof GAINS)[];
