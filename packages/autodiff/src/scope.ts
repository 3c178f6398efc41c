/**
 * @file Releasing tensors at a known point instead of when the garbage collector finds them.
 *
 * A backend that holds memory outside the JS heap (wasm) frees a buffer once its tensor is unreachable,
 * but the garbage collector decides when that is seen, and finalizers run only between tasks: a loop
 * that never awaits holds every step's tensors until it ends. `scope(fn)` releases every tensor created while `fn` runs,
 * except those `fn` returns, the moment it returns (TensorFlow.js calls this `tidy`).
 */
import { checkFunction } from './validate.js';
import { closeFrame, exempt, innermostFrame, openFrame, release, type ScopeFrame } from './lifetime.js';
import type { Tensor } from './tensor.js';
import { treeTensors } from './tree.js';

/** The buffers of the tensors reachable from `tree` through plain arrays and plain objects. */
const storagesOf = (tree: unknown): Set<object> => new Set(treeTensors(tree).map((t) => t.kt.data as object));

const isThenable = (x: unknown): boolean =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';

/** Releases the frame's buffers except `keep`, which move to the enclosing scope (if any). */
function settle(frame: ScopeFrame, keep: Set<object>): void {
  const parent = innermostFrame();
  for (const [storage, entry] of frame) {
    if (keep.has(storage)) parent?.set(storage, entry);
    else release(entry.kt, entry.backend);
  }
}

/**
 * Runs `fn` and releases every tensor created while it ran, except the tensors in what it returns
 * (reachable through plain arrays and objects); those belong to the enclosing scope, if there is one.
 * If `fn` throws, everything it created is released and the error passes through. A released tensor
 * used later throws a ReleasedTensorError naming the op. `fn` must be synchronous.
 *
 * @example
 * for (const batch of batches) {
 *   ({ params, optState } = scope(() => step(params, optState, batch))); // the step's intermediates are freed here
 * }
 */
export function scope<T>(fn: () => T): T {
  checkFunction('scope', 'fn', fn);
  const frame = openFrame();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeFrame(frame);
    settle(frame, new Set());
    throw e;
  }
  closeFrame(frame);
  if (isThenable(result)) {
    settle(frame, new Set());
    throw new Error('scope: fn returned a Promise; scope runs synchronous code only (await outside it)');
  }
  settle(frame, storagesOf(result));
  return result;
}

/**
 * Exempts `t` from every open scope, so that it outlives the scope that created it without being
 * returned: for tensors a library caches across calls (a layer's constant table made on first use).
 * It is released like any tensor once unreachable, or by `dispose`. Returns `t`.
 * @example const table = keep(tensor(values)); // cached in a closure, used by later steps
 */
export function keep<T extends Tensor>(t: T): T {
  exempt(t.kt.data as object);
  return t;
}

/** What `dispose` may keep. */
export interface DisposeOptions {
  /** Tensors not to release even where `tree` holds them (e.g. params a step passed through unchanged). */
  readonly keep?: unknown;
}

/**
 * Releases the buffers of every tensor in `tree` now. Views made by reshape share their source's buffer
 * and are released with it. Using a released tensor throws a ReleasedTensorError; releasing one twice
 * does nothing. Never needed for correctness (see `scope`).
 * @example dispose(oldParams, { keep: newParams });
 */
export function dispose(tree: unknown, options: DisposeOptions = {}): void {
  const keep = storagesOf(options.keep);
  for (const t of treeTensors(tree)) if (!keep.has(t.kt.data as object)) release(t.kt, t.backend);
}
