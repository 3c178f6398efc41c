/**
 * @file Fuzzing a public function's argument validation: `arbJunk` draws what plain JavaScript can pass
 * (wrong types, NaN, ±∞, non-integers, negative and huge numbers, unknown strings, wrong-rank arrays), and
 * `checkArgOutcome` accepts a call that returns a sound result or throws a `ShapeError` naming the op and
 * one of its arguments: never a bare TypeError / RangeError from deep inside, never a NaN from junk.
 */
import fc from 'fast-check';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeValue } from '../validate.js';

const SPECIAL: readonly unknown[] = [
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  0,
  1,
  2,
  2.5,
  -0.5,
  1e9,
  2 ** 40,
  '',
  'bogus',
  'reflect',
  'float16',
  'same',
  'valid',
  '1',
  true,
  false,
  [],
  {},
  [1, 2],
  [[1]],
  [Number.NaN],
  ['a'],
  [2.5, 1],
  [-1, 2],
  [1, 2, 3, 4, 5, 6],
  () => 0,
  Symbol('junk'),
  10n,
];

/** Values plain JavaScript can pass where an argument belongs: the usual suspects and random small ones. */
export const arbJunk = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(...SPECIAL),
    fc.integer({ min: -4, max: 6 }),
    fc.double({ min: -1e3, max: 1e3 }),
    fc.string({ maxLength: 6 }),
    fc.array(fc.integer({ min: -3, max: 5 }), { maxLength: 5 }),
    fc.array(fc.oneof(fc.integer({ min: -2, max: 4 }), fc.double(), fc.string({ maxLength: 2 })), { maxLength: 4 }),
    fc.record({ a: fc.integer() }),
  );

/** Every tensor in a result (a tensor, or arrays / records of them). */
function tensorsIn(y: unknown): Tensor[] {
  if (y instanceof Tensor) return [y];
  if (Array.isArray(y)) return y.flatMap(tensorsIn);
  if (typeof y === 'object' && y !== null) return Object.values(y).flatMap(tensorsIn);
  return [];
}

export type ArgOutcomeOptions = {
  /** Names the error may give as the argument (an entry such as `shape[0]` counts for `shape`). */
  readonly args: readonly string[];
  /** Whether a returned result may hold NaN (default: only when the junk itself is a number). */
  readonly nanOk?: boolean;
};

/**
 * Runs `call` and checks its outcome: a ShapeError whose `op` is `op` and whose `arg` is one of `args`,
 * or a result whose tensors have sound shapes and (unless the junk was a number) no NaN.
 */
export function checkArgOutcome(op: string, junk: unknown, call: () => unknown, opts: ArgOutcomeOptions): void {
  let y: unknown;
  try {
    y = call();
  } catch (e) {
    if (!(e instanceof ShapeError))
      throw new Error(`${op} with ${describeValue(junk)} threw ${String(e)}`, { cause: e });
    const named = opts.args.some((a) => e.arg === a || e.arg.startsWith(`${a}[`) || e.arg.startsWith(`${a}.`));
    if ((e.op !== op && !e.op.endsWith(`(${op})`)) || !named)
      throw new Error(`${op} with ${describeValue(junk)} threw a ShapeError naming ${e.op} / ${e.arg}: ${e.message}`);
    return;
  }
  for (const t of tensorsIn(y)) {
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${op}: result has shape ${t.shape}`);
    if (!(opts.nanOk ?? typeof junk === 'number') && t.data().some(Number.isNaN))
      throw new Error(`${op} with ${describeValue(junk)} returned NaN`);
  }
}
