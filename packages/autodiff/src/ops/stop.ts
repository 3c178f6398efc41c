/** @file stopGradient: the same values, invisible to every tape. */
import { Tensor } from '../tensor.js';

/** Returns `x`'s values as a constant: no gradient flows through the result at any order. */
export const stopGradient = (x: Tensor): Tensor => new Tensor(x.kt, x.backend);
