import { describe, expect, it } from 'vitest';
import { getBackend, setBackend, withBackend } from './context.js';
import { NonFiniteError, ShapeError } from './errors.js';
import { setDebugNans } from './context.js';
import * as ops from './ops/index.js';
import { arange, eye, full, ones, scalar, tensor, zeros } from './tensor.js';

describe('Tensor construction', () => {
  it('infers shape from nested arrays and defaults to float32', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
  });

  it('takes typed arrays with an explicit shape, copying them', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = tensor(src, { shape: [2, 2] });
    src[0] = 99;
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('data() returns a copy, so tensors stay immutable', () => {
    const t = tensor([1, 2, 3]);
    const d = t.data();
    d[0] = 42;
    expect(t.toArray()).toEqual([1, 2, 3]);
  });

  it('rounds float32 and truncates int32 on construction', () => {
    expect(tensor([0.1]).data()[0]).toBe(Math.fround(0.1));
    expect(tensor([2.7, -2.7], { dtype: 'int32' }).toArray()).toEqual([2, -2]);
  });

  it('has the usual constructors', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([1, 2]).toArray()).toEqual([[1, 1]]);
    expect(full([2], 7, 'int32').toArray()).toEqual([7, 7]);
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(3).item()).toBe(3);
    expect(arange(3).toArray()).toEqual([0, 1, 2]);
    expect(arange(1, 2, 0.5).toArray()).toEqual([1, 1.5]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('rejects ragged arrays and mismatched shapes with ShapeError', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(
      /tensor: shape \[2, 2\] holds 4 elements but 3 were given/,
    );
    expect(() => tensor([1, 2]).item()).toThrow(/item: tensor has shape \[2\]/);
  });
});

describe('shape errors name the op, the argument and the shapes', () => {
  it.each([
    [
      () => ops.add(tensor([1, 2]), tensor([1, 2, 3])),
      /add: b has shape \[3\], which does not broadcast with a's \[2\]/,
    ],
    [
      () => ops.matmul(tensor([[1, 2]]), tensor([[1, 2]])),
      /matmul: b has shape \[1, 2\]: its contraction dim 1 must equal a's 2/,
    ],
    [() => ops.add(tensor([1]), tensor([1], { dtype: 'float64' })), /add: b has dtype float64 but a has float32/],
    [() => ops.sum(tensor([1]), 1), /sum: axes 1 is out of range for rank 1/],
    [() => ops.reshape(tensor([1, 2, 3]), [2, 2]), /reshape: shape \[2, 2\] cannot hold the 3 elements of \[3\]/],
    [
      () => ops.conv2d(zeros([1, 3, 4, 4]), zeros([2, 2, 3, 3])),
      /conv2d: w has shape \[2, 2, 3, 3\]: dim 1 must be C\/groups = 3/,
    ],
    [
      () => ops.conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3])),
      /conv2d: x of shape \[1, 1, 2, 2\] is too small for a 3x3 kernel/,
    ],
    [
      () => ops.conv2d(zeros([1, 1, 3, 3]), zeros([2, 1, 3, 3]), { bias: zeros([3]) }),
      /conv2d: bias has shape \[3\]; expected \[2\] \(one per output channel\)/,
    ],
    [() => ops.exp(tensor([1], { dtype: 'int32' })), /exp: x has dtype int32 but a float dtype is required/],
    [
      () => ops.takeAlongAxis(zeros([2, 3]), zeros([2, 1]), 1),
      /takeAlongAxis: indices has dtype float32 but int32 indices are required/,
    ],
  ])('%#', (f, message) => {
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(message);
  });
});

describe('NaN debugging', () => {
  it('reports the first op that produced a NaN', () => {
    const previous = setDebugNans(true);
    try {
      const x = tensor([-1, 4]);
      expect(() => ops.add(ops.sqrt(x), 1)).toThrow(NonFiniteError);
      expect(() => ops.add(ops.sqrt(x), 1)).toThrow(/^sqrt: produced NaN at flat index 0/);
    } finally {
      setDebugNans(previous);
    }
    expect(Number.isNaN((ops.sqrt(tensor([-1])).toArray() as number[])[0]!)).toBe(true);
  });
});

describe('backend selection', () => {
  it('is observable and scoped', () => {
    expect(getBackend().name).toBe('reference');
    expect(withBackend('reference', () => getBackend().mode)).toBe('js');
    expect(() => setBackend('nonsense' as 'reference')).toThrow(
      /setBackend: .*unknown or unavailable backend 'nonsense'/,
    );
    expect(getBackend().name).toBe('reference');
  });
});
