import { createWasmBackend, reference, type WasmBackend } from '@tapenet/kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from './context.js';
import { ReleasedTensorError } from './errors.js';
import { grad } from './grad.js';
import * as ops from './ops/index.js';
import { dispose, keep, scope } from './scope.js';
import { type Tensor, tensor } from './tensor.js';

const wasm: WasmBackend = createWasmBackend({ threads: 1 });
afterAll(() => wasm.destroy());

/** Live tensor buffers of the wasm backend. */
const live = (): number => wasm.stats().liveBlocks;

const loss = (w: Tensor, x: Tensor): Tensor => ops.sum(ops.square(ops.tanh(ops.matmul(x, w))));

describe('scope', () => {
  it('releases what fn created except what it returns; a step in a loop holds no more memory than one', () => {
    withBackend(wasm, () => {
      let w = tensor(new Float32Array(64 * 8).fill(0.01), { shape: [64, 8] });
      const x = tensor(new Float32Array(32 * 64).fill(0.5), { shape: [32, 64] });
      const step = () => scope(() => ops.sub(w, ops.mul(grad((p: Tensor) => loss(p, x))(w), tensor(0.1))));
      w = step();
      const after1 = live();
      const second = step(); // the first step that replaces a step's output sets the high-water mark
      dispose(w, { keep: second });
      w = second;
      const high = wasm.stats().highWaterBytes;
      for (let i = 0; i < 100; i++) {
        const next = step();
        dispose(w, { keep: next });
        w = next;
      }
      expect(live()).toBe(after1); // x, the first w and the current one: nothing piles up
      expect(wasm.stats().highWaterBytes).toBe(high);
      expect(w.data().every(Number.isFinite)).toBe(true);
    });
  });

  it('gives the same numbers as the unscoped computation', () => {
    withBackend(wasm, () => {
      const w = tensor(
        Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)),
        { shape: [4, 3] },
      );
      const x = tensor(
        Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)),
        { shape: [2, 4] },
      );
      const plain = grad((p: Tensor) => loss(p, x))(w).data();
      const scoped = scope(() => grad((p: Tensor) => loss(p, x))(w)).data();
      expect([...scoped]).toEqual([...plain]);
    });
  });

  it('keeps tensors returned in arrays and objects, and hands them to the enclosing scope', () => {
    withBackend(wasm, () => {
      const before = live();
      let inner: { a: Tensor; b: Tensor[] } | undefined;
      const outer = scope(() => {
        inner = scope(() => {
          const t = tensor([1, 2, 3]);
          return { a: ops.exp(t), b: [ops.neg(t)], n: 3, label: 'kept' };
        });
        expect(inner.a.data()[0]).toBeCloseTo(Math.E, 5);
        return ops.add(inner.a, inner.b[0]!);
      });
      expect(outer.data()[1]).toBeCloseTo(Math.exp(2) - 2, 5);
      expect(() => inner!.a.data()).toThrow(ReleasedTensorError); // the outer scope did not return it
      expect(live()).toBe(before + 1);
    });
  });

  it('a released tensor used later throws, naming the op and the argument, on every backend', () => {
    for (const backend of [wasm, reference]) {
      withBackend(backend, () => {
        const y = scope(() => {
          const t = tensor([1, 2, 3]);
          void ops.exp(t);
          return { kept: ops.neg(t), lost: t };
        });
        expect(y.kept.toArray()).toEqual([-1, -2, -3]);
        // `lost` was created inside and returned inside an object: kept too.
        expect(y.lost.toArray()).toEqual([1, 2, 3]);
        let escaped: Tensor | undefined;
        scope(() => {
          escaped = tensor([4, 5]);
        });
        expect(() => ops.exp(escaped!)).toThrow(ReleasedTensorError);
        expect(() => ops.exp(escaped!)).toThrow(
          /^exp: its input \(a float32 tensor of shape \[2\]\) was released \(by dispose, or at the end of the scope/,
        );
        expect(() => ops.add(tensor([1, 1]), escaped!)).toThrow(/^add: input 1 /);
        expect(() => escaped!.data()).toThrow(/^data: its input/);
        expect(() => escaped!.toArray()).toThrow(ReleasedTensorError);
      });
    }
  });

  it('never releases tensors created outside, even through a reshape or stopGradient made inside', () => {
    withBackend(wasm, () => {
      const outside = tensor([1, 2, 3, 4]);
      scope(() => {
        void ops.reshape(outside, [2, 2]);
        void ops.stopGradient(outside);
        return null;
      });
      expect(outside.toArray()).toEqual([1, 2, 3, 4]);
      // A reshape returned from inside shares the outside buffer: still usable.
      const view = scope(() => ops.reshape(ops.exp(outside), [2, 2]));
      expect(view.shape).toEqual([2, 2]);
      expect(view.data()[0]).toBeCloseTo(Math.E, 5);
    });
  });

  it('releases everything fn created when it throws, and refuses a Promise', () => {
    withBackend(wasm, () => {
      const before = live();
      expect(() =>
        scope(() => {
          void ops.exp(tensor(new Float32Array(1000)));
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(live()).toBe(before);
      expect(() => scope(() => Promise.resolve(tensor([1])))).toThrow(/^scope: fn returned a Promise/);
      expect(live()).toBe(before);
      expect(() => scope(3 as unknown as () => void)).toThrow(/^scope: fn must be a function/);
    });
  });
});

describe('keep', () => {
  it('exempts a tensor cached inside a scope from every open scope', () => {
    for (const backend of [wasm, reference]) {
      withBackend(backend, () => {
        let cache: Tensor | undefined;
        const table = () => {
          cache ??= keep(tensor([1, 2, 3]));
          return cache;
        };
        scope(() => scope(() => ops.sum(ops.mul(table(), table()))));
        expect(scope(() => ops.sum(table())).item()).toBe(6); // still live after both scopes ended
        expect(table().toArray()).toEqual([1, 2, 3]);
      });
    }
  });
});

describe('dispose', () => {
  it('releases every tensor of a tree except those in keep; twice is harmless', () => {
    withBackend(wasm, () => {
      const a = tensor([1, 2]);
      const b = tensor([3, 4]);
      const before = live();
      dispose({ a, list: [b] }, { keep: { b } });
      dispose(a);
      expect(live()).toBe(before - 1);
      expect(() => a.data()).toThrow(ReleasedTensorError);
      expect(b.toArray()).toEqual([3, 4]);
    });
  });
});
