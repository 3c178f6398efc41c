/**
 * @file `@tapenet/autodiff/testing`: property-test gradients of your own functions.
 * @example
 * import { checkGrads, arbTensor } from '@tapenet/autodiff/testing';
 * test.prop([arbTensor({ dtype: 'float64' })])('my fn has correct gradients', (x) => checkGrads(myFn, [x], { order: 2 }));
 */
export {
  arbBroadcastShapes,
  arbConv2dCase,
  arbShape,
  arbTensor,
  arbTensorOfShape,
  type Conv2dCase,
  type ShapeOptions,
  type TensorOptions,
} from './arbitraries.js';
export { type CheckGradsOptions, checkGrads, GradCheckError } from './check-grads.js';
export { close, TOL, type Tol, type TolName } from '@tapenet/kernels/testing';
export { type ArgOutcomeOptions, arbJunk, checkArgOutcome } from './junk.js';
