/** @file Pieces the reproductions share: the Adam recipe of `tapenet train`, zoo models, sizes by `--quick`. */
import { key as makeKey, foldIn, type Key } from '@tapenet/autodiff';
import type { Layer } from '@tapenet/layers';
import { adam, cosineDecaySchedule, type GradientTransformation, type LearningRate } from '@tapenet/optim';
import type { ScheduleSpec } from '@tapenet/train';
import { zoo } from '@tapenet/zoo';
import type { RunContext } from './experiment.js';

/** Adam as a function of the learning rate (the form `fit` takes with a schedule). */
export const adamOptimizer = (lr: LearningRate): GradientTransformation<unknown> =>
  adam({ lr }) as GradientTransformation<unknown>;

/** Cosine decay from `lr` to 0 over the run: `tapenet train`'s default schedule. */
export const cosine =
  (lr: number): ScheduleSpec =>
  ({ totalSteps }) =>
    cosineDecaySchedule({ init: lr, totalSteps });

/** Zoo model `name` for 10 classes of 1-channel images. */
export const zooModel = (name: string): Layer<unknown, unknown> =>
  zoo.get(name, { numClasses: 10, inChannels: 1 }) as Layer<unknown, unknown>;

/** The quick or the full value of a size table. */
export const sized = <T>(ctx: RunContext, sizes: { readonly quick: T; readonly full: T }): T =>
  ctx.quick ? sizes.quick : sizes.full;

/** The training epochs of a run: `--epochs` when given, else the size's. */
export const epochsOf = (ctx: RunContext, size: { readonly epochs: number }): number => ctx.epochs ?? size.epochs;

/** The key of part `i` of the run (a model, a seed): `foldIn(key(seed), i)`. */
export const partKey = (ctx: RunContext, i: number): Key => foldIn(makeKey(ctx.seed), i);

/** `3 epochs`, `1 epoch`, `2 passes`: a count with its noun. */
export const counted = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;
