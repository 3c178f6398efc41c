/**
 * @file The shape, dtype and attribute checks every backend runs at its kernels' entry points, written
 * once: each takes the backend's `check` (which prefixes `<backend>.<kernel>:`), so every backend refuses
 * the same inputs with the same words. Exported from the package for backends that live elsewhere.
 * conv2d's own checks (`conv2dSizes`, `checkConvBias`) live in shape.ts beside the size arithmetic.
 */
import type { DType, Shape } from './backend.js';
import type { Conv2dSizes, KernelCheck } from './shape.js';

/** Shape text for error messages, e.g. `[2,3]`. */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `a` and `b` have the same dtype. */
export function checkSameDtype(
  a: { readonly dtype: DType },
  b: { readonly dtype: DType },
  kernel: string,
  check: KernelCheck,
): void {
  check(a.dtype === b.dtype, kernel, () => `dtype mismatch: ${a.dtype} vs ${b.dtype}`);
}

/** Throws unless dy has conv2d's output shape `[N, O, Ho, Wo]` for these sizes. */
export function checkConvDy(dy: Shape, z: Conv2dSizes, kernel: string, check: KernelCheck): void {
  const want = [z.n, z.o, z.ho, z.wo];
  check(
    dy.length === 4 && want.every((d, i) => d === dy[i]),
    kernel,
    () => `dy ${fmtShape(dy)}, expected ${fmtShape(want)}`,
  );
}
