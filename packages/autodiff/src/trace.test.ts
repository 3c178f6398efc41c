import { describe, expect, it } from 'vitest';
import {
  add,
  argmax,
  conv2d,
  grad,
  greater,
  isTracing,
  logSumExp,
  matmul,
  maxPool2d,
  mul,
  relu,
  reshape,
  sum,
  type Tensor,
  tensor,
  traceOps,
  where,
} from './index.js';

const x = tensor([
  [1, -2, 3],
  [-4, 5, -6],
]);
const w = tensor([
  [1, 0],
  [0, 1],
  [1, 1],
]);

describe('traceOps', () => {
  it('records the ops that depend on the inputs, in order, with their attributes', () => {
    const { result, ops } = traceOps([x], () => relu(reshape(matmul(x, w, { transposeB: false }), [4])));
    expect(ops.map((o) => o.op)).toEqual(['matmul', 'reshape', 'relu']);
    expect(ops[0]!.attrs).toEqual({ transposeA: false, transposeB: false });
    expect(ops[1]!.attrs).toEqual({ shape: [4] });
    expect(ops[0]!.inputs).toEqual([x, w]);
    expect(ops[1]!.inputs[0]).toBe(ops[0]!.out);
    expect(ops[2]!.out).toBe(result);
  });

  it('does not record ops on constants only, and the constants appear as inputs of recorded ops', () => {
    const { ops } = traceOps([x], () => {
      const w2 = mul(w, 2); // constant: not recorded
      return matmul(x, w2);
    });
    expect(ops.map((o) => o.op)).toEqual(['matmul']);
    expect(ops[0]!.inputs[1]!.toArray()).toEqual(mul(w, 2).toArray());
  });

  it('records non-differentiable ops (comparisons, argmax) too', () => {
    const { ops } = traceOps([x], () => argmax(where(greater(x, 0), x, 0), 1));
    expect(ops.map((o) => o.op)).toEqual(['greater', 'where', 'argmax']);
    expect(ops[2]!.attrs).toEqual({ axis: 1 });
  });

  it('keeps residuals and sees through stopGradient (an identity to the trace)', () => {
    const img = tensor(
      new Float32Array(16).map((_, i) => i),
      { shape: [1, 1, 4, 4] },
    );
    const pooled = traceOps([img], () => maxPool2d(img, 2)).ops;
    expect(pooled.map((o) => o.op)).toEqual(['maxPool2d']);
    expect(pooled[0]!.residuals).toHaveLength(1);
    const lse = traceOps([x], () => logSumExp(x, 1)).ops.map((o) => o.op);
    expect(lse).toContain('identity'); // the stopped max still depends on x
    expect(lse.indexOf('max')).toBeLessThan(lse.indexOf('identity'));
  });

  it('gives fn a live view of the ops recorded so far', () => {
    const counts: number[] = [];
    traceOps([x], (sofar) => {
      counts.push(sofar.length);
      const y = relu(x);
      counts.push(sofar.length);
      return add(y, 1);
    });
    expect(counts).toEqual([0, 1]);
  });

  it('nests: the inner trace sees only what depends on its inputs, the outer sees everything', () => {
    const outer = traceOps([x], () => {
      const y = relu(x);
      const inner = traceOps([w], () => matmul(y, w));
      expect(inner.ops.map((o) => o.op)).toEqual(['matmul']);
      return sum(inner.result);
    });
    expect(outer.ops.map((o) => o.op)).toEqual(['relu', 'matmul', 'sum']);
  });

  it('works under grad and around grad, and grad still gives the right gradient', () => {
    const f = (v: Tensor): Tensor => sum(mul(v, v));
    const inside = traceOps([x], () => grad(f)(x));
    expect(inside.result.toArray()).toEqual(mul(x, 2).toArray());
    expect(inside.ops.length).toBeGreaterThan(0);
    expect(inside.ops[0]!.op).toBe('identity'); // grad's alias of its input
    const around = grad((v: Tensor) => sum(traceOps([v], () => mul(v, v)).result))(x);
    expect(around.toArray()).toEqual(mul(x, 2).toArray());
  });

  it('records conv2d with its attributes and bias input', () => {
    const img = tensor(new Float32Array(2 * 9).fill(1), { shape: [1, 2, 3, 3] });
    const k = tensor(new Float32Array(4 * 2 * 4).fill(1), { shape: [4, 2, 2, 2] });
    const b = tensor(new Float32Array(4).fill(0.5), { shape: [4] });
    const { ops } = traceOps([img], () => conv2d(img, k, { bias: b, padding: [1, 0], stride: 2 }));
    expect(ops[0]!.op).toBe('conv2d');
    expect(ops[0]!.inputs).toHaveLength(3);
    expect(ops[0]!.attrs).toEqual({ stride: [2, 2], padding: [1, 1, 0, 0], dilation: [1, 1], groups: 1 });
  });

  it('pops its level when fn throws', () => {
    expect(isTracing()).toBe(false);
    expect(() =>
      traceOps([x], () => {
        relu(x);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isTracing()).toBe(false);
    // a later trace starts empty and is not polluted by the failed one
    expect(traceOps([w], () => relu(x)).ops).toEqual([]);
  });
});
