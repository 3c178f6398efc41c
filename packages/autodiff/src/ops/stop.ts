/** @file stopGradient: the same values, invisible to every tape. */
import { Tensor } from '../tensor.js';
import { isTracing, recordOnTraces } from '../trace.js';
import { checkTensor } from './util.js';

/**
 * Returns `x`'s values as a constant: no gradient flows through the result at any order. To a trace
 * (`traceOps`) it is an `identity`, since the forward value still depends on `x`.
 */
export function stopGradient(x: Tensor): Tensor {
  checkTensor('stopGradient', 'x', x);
  const y = new Tensor(x.kt, x.backend);
  if (isTracing()) recordOnTraces('identity', [x], y, {});
  return y;
}
