/**
 * @file The zoo models behind the model-step rows: the @tapenet/zoo registry entry at width 1, or the
 * same architecture with narrower channels for the smoke scale. Shared by the rows (FLOP counts from
 * shape inference) and the tapenet runner.
 */
import { type Model, resnet, vgg, zoo } from '@tapenet/zoo';
import type { ZooStepModel } from './types.js';

/** Per-example input shape of both CIFAR models. */
export const ZOO_INPUT = [3, 32, 32] as const;

/** The registry model at width 1, else the same architecture with every channel count scaled by `width`. */
export function zooModel(spec: { readonly model: ZooStepModel; readonly width: number }): Model {
  if (spec.width === 1) return zoo.get(spec.model);
  switch (spec.model) {
    case 'resnet18-cifar':
      return resnet({ depth: 18, stem: 'cifar', numClasses: 10, baseWidth: Math.max(1, Math.round(64 * spec.width)) });
    case 'vgg11-cifar':
      return vgg({ depth: 11, head: 'cifar', numClasses: 10, width: spec.width });
  }
}

/** Forward FLOPs per example (2 × multiply-adds of conv and dense layers), by shape inference only. */
export const zooForwardFlops = (spec: { readonly model: ZooStepModel; readonly width: number }): number =>
  zooModel(spec).describe([...ZOO_INPUT]).flops;
