/**
 * @file Which tensor buffers are released, and the stack of open scopes that will release the buffers
 * created inside them (see `scope.ts` for the API). Process-wide state, like the active backend: the
 * stack is empty unless a `scope` call is running, and `released` only remembers buffers (weakly).
 */
import type { Backend, KTensor } from '@tapenet/kernels';
import { ReleasedTensorError } from './errors.js';

/** The buffers one scope created: storage object → the kernel tensor and the backend that owns it. */
export type ScopeFrame = Map<object, { readonly kt: KTensor; readonly backend: Backend }>;

const frames: ScopeFrame[] = [];
const released = new WeakSet<object>();

/** Opens a scope: buffers created from now on are recorded in the returned frame. */
export function openFrame(): ScopeFrame {
  const frame: ScopeFrame = new Map();
  frames.push(frame);
  return frame;
}

/** Closes the innermost scope, which must be `frame`. */
export function closeFrame(frame: ScopeFrame): void {
  if (frames[frames.length - 1] !== frame) throw new Error('scope: scopes must close innermost first');
  frames.pop();
}

/** The innermost open scope, if any. */
export const innermostFrame = (): ScopeFrame | undefined => frames[frames.length - 1];

/**
 * Records a buffer a kernel or an upload just created in the innermost open scope. Buffers an op shares
 * with its inputs (reshape, stopGradient) are not new and must not be passed here.
 */
export function created(kt: KTensor, backend: Backend): void {
  const frame = frames[frames.length - 1];
  if (frame !== undefined) frame.set(kt.data as object, { kt, backend });
}

/** Takes a buffer out of every open scope: no scope will release it. */
export function exempt(storage: object): void {
  for (const frame of frames) frame.delete(storage);
}

/** Releases a buffer now (the backend frees it) and remembers it, so later use throws. */
export function release(kt: KTensor, backend: Backend): void {
  const storage = kt.data as object;
  if (released.has(storage)) return;
  released.add(storage);
  backend.dispose(kt);
}

/** Whether the buffer of `kt` was released. */
export const isReleased = (kt: KTensor): boolean => released.has(kt.data as object);

/** Throws a ReleasedTensorError naming `op` and the argument when a buffer was released. */
export function checkLive(op: string, kts: readonly KTensor[]): void {
  for (let i = 0; i < kts.length; i++) {
    const kt = kts[i]!;
    if (released.has(kt.data as object)) {
      const arg = kts.length === 1 ? 'its input' : `input ${i}`;
      throw new ReleasedTensorError(op, arg, `(a ${kt.dtype} tensor of shape [${kt.shape.join(', ')}])`);
    }
  }
}
