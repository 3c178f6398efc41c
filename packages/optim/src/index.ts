/**
 * @file Public surface of @tapenet/optim: optax-style pure gradient transformations (`{ init, update }`
 * over pytrees), the torch.optim optimisers built from them, gradient clipping and learning-rate schedules.
 */
export { type AdamState, type ScaleByAdamOptions, scaleByAdam } from './adam.js';
export {
  type AdamOptions,
  type AdamOptState,
  type AdamWOptState,
  adam,
  adamw,
  type RmspropOptions,
  type RmspropState,
  rmsprop,
  type SgdOptions,
  type SgdState,
  sgd,
} from './aliases.js';
export {
  addDecayedWeights,
  applyUpdates,
  type ChainState,
  type CountState,
  chain,
  scale,
  scaleByLearningRate,
} from './base.js';
export { type ClipByGlobalNormOptions, clipByGlobalNorm, clipByValue, globalNorm } from './clip.js';
export { type TraceMomentumOptions, type TraceState, traceMomentum } from './momentum.js';
export { type RmsState, type ScaleByRmsOptions, scaleByRms } from './rms.js';
export {
  type CosineDecayOptions,
  constantSchedule,
  cosineDecaySchedule,
  exponentialSchedule,
  multiStepSchedule,
  type OneCycleOptions,
  oneCycleSchedule,
  stepSchedule,
} from './schedules.js';
export type { EmptyState, GradientTransformation, LearningRate, Schedule, StateOf, StateTree } from './types.js';
