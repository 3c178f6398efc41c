/**
 * @file The tape: a stack of recording levels, one per active `grad`/`vjp`. An op is recorded on a level
 * when one of its inputs is tracked there, and its output becomes tracked there too. Nesting levels gives
 * higher-order derivatives; because each level tracks its own fresh aliases of its inputs, levels never
 * confuse each other's perturbations.
 */
import { fmt } from './errors.js';
import type { Tensor } from './tensor.js';

/** The VJP of one recorded op, closed over its inputs, output and attributes. */
export type RecordedVjp = (g: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

interface Entry {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly vjp: RecordedVjp;
}

/** One recording level. */
export class Tape {
  readonly tracked = new Set<Tensor>();
  readonly entries: Entry[] = [];
}

const stack: Tape[] = [];

/** Records an op on every active level that tracks one of its inputs. */
export function recordOnTapes(op: string, inputs: readonly Tensor[], out: Tensor, vjp: RecordedVjp): void {
  for (const tape of stack) {
    if (inputs.some((x) => tape.tracked.has(x))) {
      tape.entries.push({ op, inputs, out, vjp });
      tape.tracked.add(out);
    }
  }
}

/** Runs `fn` with a new level tracking `watched`; returns its result and the level. */
export function withTape<T>(watched: readonly Tensor[], fn: () => T): { result: T; tape: Tape } {
  const tape = new Tape();
  for (const x of watched) tape.tracked.add(x);
  stack.push(tape);
  try {
    return { result: fn(), tape };
  } finally {
    stack.pop();
  }
}

/** Whether any level is recording (used to skip work in pure evaluation). */
export const isRecording = (): boolean => stack.length > 0;

/**
 * Reverse sweep: seeds `outputs` with `cotangents` and returns the cotangent of each of `wrt` (null when
 * no path leads there). Ops not on a path from `wrt` to `outputs` are skipped. Every cotangent's shape and
 * dtype is checked against its input, and a mismatch names the op. Must be called after the level was
 * popped, so that the VJP's own ops are recorded on outer levels only.
 */
export function backward(
  tape: Tape,
  outputs: readonly Tensor[],
  cotangents: readonly Tensor[],
  wrt: readonly Tensor[],
  add: (a: Tensor, b: Tensor) => Tensor,
): (Tensor | null)[] {
  const ct = new Map<Tensor, Tensor>();
  const accumulate = (x: Tensor, g: Tensor): void => {
    const prev = ct.get(x);
    ct.set(x, prev === undefined ? g : add(prev, g));
  };
  outputs.forEach((y, i) => {
    if (tape.tracked.has(y)) accumulate(y, cotangents[i]!);
  });
  for (let e = tape.entries.length - 1; e >= 0; e--) {
    const { op, inputs, out, vjp } = tape.entries[e]!;
    const g = ct.get(out);
    if (g === undefined) continue;
    ct.delete(out);
    const needs = inputs.map((x) => tape.tracked.has(x) && x.dtype !== 'int32');
    const grads = vjp(g, needs);
    if (grads.length !== inputs.length) {
      throw new Error(`${op}: VJP returned ${grads.length} cotangents for ${inputs.length} inputs`);
    }
    grads.forEach((gi, i) => {
      if (gi === null || !needs[i]) return;
      const x = inputs[i]!;
      if (gi.dtype !== x.dtype || gi.shape.length !== x.shape.length || gi.shape.some((d, j) => d !== x.shape[j])) {
        throw new Error(
          `${op}: VJP gave input ${i} a cotangent ${gi.dtype} ${fmt(gi.shape)} for an input ${x.dtype} ${fmt(x.shape)}`,
        );
      }
      accumulate(x, gi);
    });
  }
  return wrt.map((x) => ct.get(x) ?? null);
}
