/** @file The reproductions `tapenet reproduce` knows, in the order its help lists them. */
import { augmentationStudy } from './augmentation.js';
import type { Experiment } from './experiment.js';
import { lenet5Paper } from './lenet5-1998.js';
import { mlpVsCnn } from './mlp-vs-cnn.js';
import { networkSees } from './network-sees.js';
import { resnet20Cifar } from './resnet20-cifar.js';

/** Every reproduction. */
export const EXPERIMENTS: readonly Experiment[] = [
  mlpVsCnn,
  lenet5Paper,
  augmentationStudy,
  networkSees,
  resnet20Cifar,
];
