/** @file The testing-kit example from the README, run as written. */
import { fc, test } from '@fast-check/vitest';
import { mul, sum, type Tensor, tanh } from '../index.js';
import { arbShape, arbTensorOfShape, checkGrads } from './index.js';

const myLoss = (w: Tensor, x: Tensor) => sum(tanh(mul(w, x)));

// w and x of one drawn shape, values in [-2, 2], float64
const pair = arbShape().chain((s) => fc.tuple(arbTensorOfShape(s), arbTensorOfShape(s)));

test.prop([pair])('myLoss has correct first and second derivatives', ([w, x]) =>
  checkGrads(myLoss, [w, x], { order: 2 }),
);
