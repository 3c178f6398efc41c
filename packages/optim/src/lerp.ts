/** @file Linear interpolation evaluated the way torch's `lerp` kernel does it. */
import { add, mul, sub, type Tensor } from '@tapenet/autodiff';

/**
 * `a + w·(b - a)`, written as torch's CPU kernel writes it so rounding matches: `a + w·(b - a)` for
 * `w < 0.5`, else `b - (b - a)·(1 - w)`. Used for exponential moving averages `m ← lerp(m, g, 1 - β)`.
 * @example lerp(m, g, 0.1) // 0.9·m + 0.1·g
 */
export const lerp = (a: Tensor, b: Tensor, w: number): Tensor =>
  w < 0.5 ? add(a, mul(sub(b, a), w)) : sub(b, mul(sub(b, a), 1 - w));
