/**
 * @file Regression tests for plain-JavaScript arguments that the TypeScript types do not stop: each was
 * accepted silently (or failed with a bare TypeError) before the public ops validated their arguments.
 */
import { describe, expect, test } from 'vitest';
import { ShapeError } from './errors.js';
import { add, broadcastTo, conv2d, flatten, pad } from './ops/index.js';
import { ones, tensor, zeros } from './tensor.js';

// biome-ignore lint/suspicious/noExplicitAny: these tests call the API the way untyped JavaScript can
const js = (v: unknown): any => v;

/** Expects `fn` to throw a ShapeError naming `op` and `arg` (or an entry of it: `shape[0]`). */
function expectArgError(fn: () => unknown, op: string, arg: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ShapeError);
  const { message } = error as ShapeError;
  expect(message.startsWith(`${op}: ${arg} `) || message.startsWith(`${op}: ${arg}[`)).toBe(true);
}

describe('malformed arguments from plain JavaScript', () => {
  test("pad: an unknown mode ('reflect') is an error, not zero padding", () => {
    expectArgError(() => pad(ones([3]), [[1, 1]], js('reflect')), 'pad', 'mode');
  });

  test('broadcastTo: a non-integer target size is an error', () => {
    expectArgError(() => broadcastTo(ones([1]), [js(2.5)]), 'broadcastTo', 'shape');
  });

  test('flatten: start after end is an error', () => {
    expectArgError(() => flatten(ones([2, 3, 4]), 2, 1), 'flatten', 'end');
  });

  test('add: an array operand is an error, not NaN', () => {
    expectArgError(() => add(ones([2]), js([1, 2])), 'add', 'b');
  });

  test('conv2d: a kernel with 0 rows is an error, not an output larger than the input', () => {
    expectArgError(() => conv2d(ones([1, 1, 4, 4]), zeros([1, 1, 0, 3])), 'conv2d', 'w');
  });

  test("conv2d: padding 'bogus' names the op and the argument", () => {
    expectArgError(() => conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), { padding: js('bogus') }), 'conv2d', 'padding');
  });

  test("tensor constructors: dtype 'float16' names the op and the argument", () => {
    expectArgError(() => tensor([1, 2], { dtype: js('float16') }), 'tensor', 'dtype');
    expectArgError(() => zeros([2], js('float16')), 'zeros', 'dtype');
  });

  test('tensor fields cannot be overwritten', () => {
    const t = ones([2, 3]);
    expect(() => {
      js(t).shape = [6];
    }).toThrow(TypeError);
    expect(() => {
      js(t).dtype = 'int32';
    }).toThrow(TypeError);
    expect(() => {
      js(t.shape)[0] = 5;
    }).toThrow(TypeError);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
  });
});
