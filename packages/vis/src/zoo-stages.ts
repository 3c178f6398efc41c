/**
 * @file The stages of zoo models, for looking inside them: a zoo model is an opaque `named(...)` layer,
 * so feature maps and activation maximisation run these stages (same names, same params) instead.
 * `zooStages('lenet5')` is checked against `zoo.get('lenet5')` in the tests.
 */
import { type AnyLayer, conv2d, dense, flatten, maxPool2d, relu } from '@tapenet/layers';
import type { Stages } from './stages.js';

/** Options matching `zoo.get(name, opts)`. */
export type ZooStagesOptions = { readonly numClasses?: number };

const BUILDERS: Readonly<Record<string, (o: ZooStagesOptions) => Readonly<Record<string, AnyLayer>>>> = {
  lenet5: ({ numClasses = 10 }) => ({
    conv1: conv2d({ out: 6, kernel: 5, padding: 2 }),
    relu1: relu,
    pool1: maxPool2d(2),
    conv2: conv2d({ out: 16, kernel: 5 }),
    relu2: relu,
    pool2: maxPool2d(2),
    flatten,
    fc1: dense(120),
    relu3: relu,
    fc2: dense(84),
    relu4: relu,
    fc3: dense(numClasses),
  }),
};

/** Names of the zoo models whose stages are known here. */
export const ZOO_STAGE_MODELS: readonly string[] = Object.keys(BUILDERS);

/**
 * The stages of zoo model `name` (as `zoo.get(name, opts)` builds it), or undefined when unknown here.
 * @example forwardTo(zooStages('lenet5')!, params, state, digit, 'relu2')
 */
export function zooStages(name: string, options: ZooStagesOptions = {}): Stages | undefined {
  return BUILDERS[name]?.(options);
}
