/**
 * @file The reference Backend object: upload/read copy, every kernel is present, and no kernel mutates
 * or aliases its inputs (a property over random data, one case per kernel name).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Conv2dAttrs, DType, KernelName, Shape, TypedArray } from '../backend.js';
import { allocate, sizeOf } from '../shape.js';
import { reference } from './index.js';
import type { RTensor } from './tensor.js';

const k = reference.kernels;
const conv: Conv2dAttrs = { stride: [2, 1], padding: [1, 0, 0, 1], dilation: [1, 2], groups: 2 };
const pool = { kernel: [2, 2], stride: [1, 2], padding: [1, 1, 0, 1], dilation: [1, 1] } as const;
const avg = { ...pool, countIncludePad: false };

/** Inputs for one call of each kernel, built from `r` (values), plus the call itself. */
/** `run` returns the kernel's output tensors (one, or max pooling's values and indices). */
type Case = (r: (shape: Shape, dtype?: DType) => RTensor) => { inputs: RTensor[]; run: () => RTensor[] };
const idx = (values: number[], shape: Shape): RTensor => ({ data: Int32Array.from(values), shape, dtype: 'int32' });

const CASES: { readonly [K in KernelName]: Case } = {
  unary: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.unary('sigmoid', x)] };
  },
  binary: (r) => {
    const [a, b] = [r([2, 1, 3]), r([4, 1])];
    return { inputs: [a, b], run: () => [k.binary('pow', a, b)] };
  },
  compare: (r) => {
    const [a, b] = [r([3]), r([2, 1])];
    return { inputs: [a, b], run: () => [k.compare('less', a, b)] };
  },
  where: (r) => {
    const [c, a, b] = [r([2, 1]), r([3]), r([])];
    return { inputs: [c, a, b], run: () => [k.where(c, a, b)] };
  },
  reduce: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.reduce('sum', x, [])] };
  },
  argReduce: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.argReduce('argmax', x, 1)] };
  },
  matmul: (r) => {
    const [a, b] = [r([2, 1, 3, 4]), r([3, 5, 4])];
    return { inputs: [a, b], run: () => [k.matmul(a, b, false, true)] };
  },
  conv2d: (r) => {
    const [x, w] = [r([1, 4, 5, 5]), r([2, 2, 2, 2])];
    return { inputs: [x, w], run: () => [k.conv2d(x, w, conv)] };
  },
  conv2dBackpropInput: (r) => {
    const [dy, w] = [r([1, 2, 3, 4]), r([2, 2, 2, 2])];
    return { inputs: [dy, w], run: () => [k.conv2dBackpropInput(dy, w, [1, 4, 5, 5], conv)] };
  },
  conv2dBackpropFilter: (r) => {
    const [x, dy] = [r([1, 4, 5, 5]), r([1, 2, 3, 4])];
    return { inputs: [x, dy], run: () => [k.conv2dBackpropFilter(x, dy, [2, 2, 2, 2], conv)] };
  },
  maxPool2d: (r) => {
    const x = r([1, 2, 3, 3]);
    return {
      inputs: [x],
      run: () => {
        const { values, indices } = k.maxPool2d(x, pool);
        return [values, indices];
      },
    };
  },
  avgPool2d: (r) => {
    const x = r([1, 2, 3, 3]);
    return { inputs: [x], run: () => [k.avgPool2d(x, avg)] };
  },
  avgPool2dBackward: (r) => {
    const dy = r([1, 2, 4, 2]);
    return { inputs: [dy], run: () => [k.avgPool2dBackward(dy, [1, 2, 3, 3], avg)] };
  },
  batchNorm: (r) => {
    const [x, w, b] = [r([2, 3, 2]), r([3]), r([3])];
    return {
      inputs: [x, w, b],
      run: () => {
        const { y, mean, variance } = k.batchNorm(x, w, b, 1e-5);
        return [y, mean, variance];
      },
    };
  },
  batchNormBackward: (r) => {
    const [dy, x, w, m, v] = [r([2, 3, 2]), r([2, 3, 2]), r([3]), r([3]), r([3])];
    const positive = { ...v, data: v.data.map(Math.abs) };
    return {
      inputs: [dy, x, w, m, positive],
      run: () => {
        const { dx, dWeight, dBias } = k.batchNormBackward(dy, x, w, m, positive, 1e-5);
        return [dx, dWeight, dBias];
      },
    };
  },
  takeAlongAxis: (r) => {
    const [x, i] = [r([2, 3]), idx([0, 2, 1, 1], [2, 2])];
    return { inputs: [x, i], run: () => [k.takeAlongAxis(x, i, 1)] };
  },
  scatterAddAlongAxis: (r) => {
    const [u, i] = [r([2, 2]), idx([0, 2, 1, 1], [2, 2])];
    return { inputs: [u, i], run: () => [k.scatterAddAlongAxis(u, i, 1, 3)] };
  },
  pad: (r) => {
    const x = r([2, 3]);
    return {
      inputs: [x],
      run: () => [
        k.pad(
          x,
          [
            [0, 0],
            [0, 0],
          ],
          'edge',
          0,
        ),
      ],
    };
  },
  slice: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.slice(x, [0, 0], [2, 3])] };
  },
  concat: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.concat([x], 0)] };
  },
  transpose: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.transpose(x, [0, 1])] };
  },
  broadcastTo: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.broadcastTo(x, [2, 3])] };
  },
  oneHot: () => {
    const i = idx([0, 4, -1], [3]);
    return { inputs: [i], run: () => [k.oneHot(i, 3, 'float64')] };
  },
  softmax: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.softmax(x, 0)] };
  },
  logSoftmax: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.logSoftmax(x, 1)] };
  },
  cast: (r) => {
    const x = r([2, 3]);
    return { inputs: [x], run: () => [k.cast(x, 'float64')] };
  },
};

describe('reference backend', () => {
  it('names itself and runs plain JS', () => {
    expect(reference.name).toBe('reference');
    expect(reference.mode).toBe('js');
  });

  it('copies on upload and on read; dispose is a no-op', () => {
    const values = Float32Array.from([1, 2, 3, 4]);
    const x = reference.upload(values, [2, 2]);
    expect(x.dtype).toBe('float32');
    values[0] = 99;
    const out = reference.read(x);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    out[1] = 99;
    expect(x.data[1]).toBe(2);
    reference.dispose(x);
    expect(Array.from(reference.read(x))).toEqual([1, 2, 3, 4]);
    expect(reference.upload(Int32Array.from([1]), []).dtype).toBe('int32');
    expect(() => reference.upload(new Float64Array(3), [2, 2])).toThrow(/^reference\.upload: /);
  });

  for (const name of Object.keys(CASES) as KernelName[]) {
    test.prop([fc.constantFrom<DType>('float32', 'float64'), fc.integer(), fc.boolean()], { numRuns: 20 })(
      `${name} neither mutates nor aliases its inputs`,
      (dtype, seed, withNaN) => {
        let s = seed >>> 0;
        const r = (shape: Shape, dt: DType = dtype): RTensor => {
          const data: TypedArray = allocate(dt, sizeOf(shape));
          for (let i = 0; i < data.length; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            data[i] = withNaN && s % 7 === 0 ? Number.NaN : s / 2 ** 31 - 1;
          }
          return { data, shape: Object.freeze([...shape]), dtype: dt };
        };
        const { inputs, run } = CASES[name](r);
        const before = inputs.map((x) => ({ data: x.data.slice(), shape: [...x.shape], dtype: x.dtype }));
        const ys = run();
        inputs.forEach((x, i) => {
          expect(x.data).toEqual(before[i]!.data);
          expect(x.shape).toEqual(before[i]!.shape);
          expect(x.dtype).toBe(before[i]!.dtype);
          for (const y of ys) {
            expect(y.data).not.toBe(x.data);
            expect(y.data.buffer).not.toBe(x.data.buffer);
          }
        });
        for (const y of ys) expect(y.data.length).toBe(sizeOf(y.shape));
      },
    );
  }
});
