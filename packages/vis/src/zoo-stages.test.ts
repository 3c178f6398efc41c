/** @file The known zoo stages reproduce the zoo models exactly. */
import { key, random } from '@tapenet/autodiff';
import { zoo } from '@tapenet/zoo';
import { expect, it } from 'vitest';
import { forwardTo, stageNames } from './stages.js';
import { ZOO_STAGE_MODELS, zooStages } from './zoo-stages.js';

it.each(ZOO_STAGE_MODELS)('%s: running the stages to the last one gives the zoo model’s output', (name) => {
  const model = zoo.get(name, { numClasses: 7 });
  const shape = zoo.info(name).inputShape;
  const { params, state } = model.init(key(0), shape);
  const x = random.normal(key(1), [2, ...shape]);
  const stages = zooStages(name, { numClasses: 7 })!;
  const last = stageNames(stages).at(-1)!;
  expect(forwardTo(stages, params, state, x, last).toArray()).toEqual(
    model.apply(params, state, x, { train: false }).y.toArray(),
  );
});

it('says undefined for a model it does not know', () => {
  expect(zooStages('resnet18')).toBeUndefined();
});
