/**
 * @file Regression tests for layer configs that plain JavaScript can pass (the TypeScript types do not
 * stop them): each was accepted silently, or failed with a bare TypeError, before the constructors
 * validated their configs.
 */
import { ShapeError } from '@tapenet/autodiff';
import { describe, expect, test } from 'vitest';
import { conv2d } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: these tests call the API the way untyped JavaScript can
const js = (v: unknown): any => v;

/** Expects `fn` to throw a ShapeError naming `layer` and `arg` (or an entry of it: `kernel[0]`). */
function expectArgError(fn: () => unknown, layer: string, arg: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ShapeError);
  const { message } = error as ShapeError;
  expect(message.startsWith(`${layer}: ${arg} `) || message.startsWith(`${layer}: ${arg}[`)).toBe(true);
}

describe('malformed layer configs from plain JavaScript', () => {
  test("conv2d: paddingMode 'reflect' is an error at construction, not zero padding", () => {
    expectArgError(
      () => conv2d({ out: 2, kernel: 3, padding: 1, paddingMode: js('reflect') }),
      'conv2d',
      'paddingMode',
    );
  });

  test("conv2d: padding 'bogus' is an error at construction, naming the layer and the argument", () => {
    expectArgError(() => conv2d({ out: 2, kernel: 3, padding: js('bogus') }), 'conv2d', 'padding');
  });
});
