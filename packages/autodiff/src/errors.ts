/** @file The one error type for user mistakes in shapes, dtypes and axes. */
import type { Shape } from '@tapenet/kernels';

/**
 * Thrown when an op receives arguments of the wrong shape, dtype or axis. The message always names the
 * op and the argument, e.g. `matmul: b has shape [3, 4] but its contraction dim must equal a's 5`.
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly op: string,
    readonly arg: string,
    detail: string,
  ) {
    super(`${op}: ${arg} ${detail}`);
  }
}

/** Formats a shape as `[2, 3]` for messages. */
export const fmt = (shape: Shape): string => `[${shape.join(', ')}]`;

/** Thrown in NaN-debug mode by the first op whose output holds a NaN or an infinity. */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: produced ${detail}`);
  }
}

/**
 * Thrown when a tensor is used after its buffer was released, by `dispose` or at the end of the `scope`
 * that created it (the fix is to return it from the scope). Names the op and the argument.
 */
export class ReleasedTensorError extends Error {
  override readonly name = 'ReleasedTensorError';
  constructor(
    readonly op: string,
    readonly arg: string,
    detail: string,
  ) {
    super(
      `${op}: ${arg} ${detail} was released (by dispose, or at the end of the scope that created it) and cannot be ` +
        'used; return it from the scope, or do not dispose it, to keep it',
    );
  }
}
