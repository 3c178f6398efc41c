/** @file Hyperparameter checks with the messages torch.optim gives, thrown as RangeError. */
import type { LearningRate } from './types.js';

/** Throws unless `value ≥ 0` (a schedule is checked when it is called, not here). */
export function nonNegative(op: string, name: string, value: LearningRate): void {
  if (typeof value === 'number' && !(value >= 0))
    throw new RangeError(`${op}: invalid ${name} ${value}; it must be ≥ 0`);
}

/** Throws unless `0 ≤ value < 1`. */
export function unitInterval(op: string, name: string, value: number): void {
  if (!(value >= 0 && value < 1)) throw new RangeError(`${op}: invalid ${name} ${value}; it must be in [0, 1)`);
}

/** Throws unless `value` is a positive integer. */
export function positiveInt(op: string, name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`${op}: invalid ${name} ${value}; it must be a positive integer`);
  }
}
