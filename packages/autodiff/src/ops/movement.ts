/** @file Movement primitives: reshape, transpose, broadcastTo, slice, concat, pad; and unbroadcast. */
import { type Pair, type PadMode, type Shape, sizeOf } from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { call, defineOp } from './def.js';
import { sum } from './reduce.js';
import { normAxis, sameShape } from './util.js';

// reshape: x̄ = reshape(ȳ, x.shape); shares storage, no kernel
export const reshapeDef = defineOp({
  name: 'reshape',
  differentiable: true,
  forward: (_k, [x], { shape }) => ({ data: x!.data, shape, dtype: x!.dtype }),
  vjp: (g, { inputs: [x] }) => [reshape(g, x!.shape)],
});

/** Same elements, new shape; one dim may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError('reshape', 'shape', `${fmt(shape)} must hold non-negative integers and at most one -1`);
  }
  const known = sizeOf(shape.filter((d) => d !== -1));
  const resolved = holes === 1 ? shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d)) : [...shape];
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d))) {
    throw new ShapeError('reshape', 'shape', `${fmt(shape)} cannot hold the ${x.size} elements of ${fmt(x.shape)}`);
  }
  return sameShape(resolved, x.shape) ? x : call(reshapeDef, [x], { shape: resolved });
}

// transpose: x̄ = transpose(ȳ, perm⁻¹)
export const transposeDef = defineOp({
  name: 'transpose',
  differentiable: true,
  forward: (k, [x], { perm }) => k.transpose(x!, perm),
  vjp: (g, { attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return [transpose(g, inverse)];
  },
});

/** Permutes axes: `y.shape[i] = x.shape[perm[i]]`; default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const valid = p.length === x.rank && [...p].sort((a, b) => a - b).every((v, i) => v === i);
  if (!valid) throw new ShapeError('transpose', 'perm', `[${p.join(', ')}] is not a permutation of ${x.rank} axes`);
  return p.every((v, i) => v === i) ? x : call(transposeDef, [x], { perm: p });
}

// broadcastTo: x̄ = unbroadcast(ȳ, x.shape)
export const broadcastToDef = defineOp({
  name: 'broadcastTo',
  differentiable: true,
  forward: (k, [x], { shape }) => k.broadcastTo(x!, shape),
  vjp: (g, { inputs: [x] }) => [unbroadcast(g, x!.shape)],
});

/** NumPy broadcasting of `x` to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const ok =
    shape.length >= x.rank &&
    x.shape.every((d, i) => {
      const t = shape[shape.length - x.rank + i]!;
      return d === t || d === 1;
    });
  if (!ok)
    throw new ShapeError('broadcastTo', 'x', `has shape ${fmt(x.shape)}, which does not broadcast to ${fmt(shape)}`);
  return sameShape(x.shape, shape) ? x : call(broadcastToDef, [x], { shape });
}

/** Sums `g` over the axes that broadcasting added or stretched, giving back `shape` (the adjoint of broadcastTo). */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes), shape);
}

// slice: x̄ = pad ȳ back with zeros to x's shape
export const sliceDef = defineOp({
  name: 'slice',
  differentiable: true,
  forward: (k, [x], { begin, size }) => k.slice(x!, begin, size),
  vjp: (g, { inputs: [x], attrs: { begin, size } }) => [
    pad(
      g,
      begin.map((b, i) => [b, x!.shape[i]! - b - size[i]!] as const),
      'constant',
    ),
  ],
});

/** The block starting at `begin` with extent `size` (-1: to the end) on every axis. */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length !== x.rank) throw new ShapeError('slice', 'begin', `has ${begin.length} entries for rank ${x.rank}`);
  const sz = (size ?? begin.map(() => -1)).map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  if (sz.length !== x.rank) throw new ShapeError('slice', 'size', `has ${sz.length} entries for rank ${x.rank}`);
  x.shape.forEach((d, i) => {
    const b = begin[i]!;
    const s = sz[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > d) {
      throw new ShapeError('slice', 'begin/size', `[${b}, +${s}) is outside axis ${i} of length ${d}`);
    }
  });
  return sameShape(sz, x.shape) ? x : call(sliceDef, [x], { begin, size: sz });
}

// concat: each input gets its slice of ȳ
export const concatDef = defineOp({
  name: 'concat',
  differentiable: true,
  forward: (k, xs, { axis }) => k.concat(xs, axis),
  vjp: (g, { inputs, attrs: { axis }, needs }) => {
    let offset = 0;
    return inputs.map((x, i) => {
      const begin = x.shape.map((_, j) => (j === axis ? offset : 0));
      offset += x.shape[axis]!;
      return needs[i] ? slice(g, begin, x.shape) : null;
    });
  },
});

/** Joins tensors along `axis`; all other dims must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (first === undefined) throw new ShapeError('concat', 'xs', 'is empty');
  const ax = normAxis('concat', axis, first.rank);
  xs.forEach((x, i) => {
    if (x.dtype !== first.dtype)
      throw new ShapeError('concat', `xs[${i}]`, `has dtype ${x.dtype}, expected ${first.dtype}`);
    if (x.rank !== first.rank || x.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ShapeError(
        'concat',
        `xs[${i}]`,
        `has shape ${fmt(x.shape)}, incompatible with ${fmt(first.shape)} on axis ${ax}`,
      );
    }
  });
  return xs.length === 1 ? first : call(concatDef, xs, { axis: ax });
}

/**
 * Adjoint of edge padding along one axis: the first (last) element collects the cotangents of itself and
 * of every copy of it in the padding.
 */
function unpadEdgeAxis(g: Tensor, axis: number, before: number, n: number): Tensor {
  const at = (b: number, s: number): Tensor =>
    slice(
      g,
      g.shape.map((_, j) => (j === axis ? b : 0)),
      g.shape.map((d, j) => (j === axis ? s : d)),
    );
  const keep = (t: Tensor): Tensor =>
    reshape(
      sum(t, [axis]),
      t.shape.map((d, j) => (j === axis ? 1 : d)),
    );
  const total = g.shape[axis]!;
  if (n === 1) return keep(g);
  const head = keep(at(0, before + 1));
  const middle = at(before + 1, n - 2);
  const tail = keep(at(before + n - 1, total - before - n + 1));
  return concat(n === 2 ? [head, tail] : [head, middle, tail], axis);
}

// pad: constant mode x̄ = the interior of ȳ; edge mode also folds the padding back onto the border
export const padDef = defineOp({
  name: 'pad',
  differentiable: true,
  forward: (k, [x], { pads, mode, value }) => k.pad(x!, pads, mode, value),
  vjp: (g, { inputs: [x], attrs: { pads, mode } }) => {
    if (mode === 'constant')
      return [
        slice(
          g,
          pads.map(([b]) => b),
          x!.shape,
        ),
      ];
    let acc = g;
    pads.forEach(([b, a], axis) => {
      if (b !== 0 || a !== 0) acc = unpadEdgeAxis(acc, axis, b, x!.shape[axis]!);
    });
    return [acc];
  },
});

/** Pads each axis by `[before, after]` with `value` ('constant') or copies of the edge ('edge'). */
export function pad(x: Tensor, pads: readonly Pair[], mode: PadMode = 'constant', value = 0): Tensor {
  if (pads.length !== x.rank) throw new ShapeError('pad', 'pads', `has ${pads.length} entries for rank ${x.rank}`);
  pads.forEach(([b, a], i) => {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new ShapeError('pad', 'pads', `[${b}, ${a}] on axis ${i} must be non-negative integers`);
    }
    if (mode === 'edge' && x.shape[i] === 0 && b + a > 0)
      throw new ShapeError('pad', 'x', `axis ${i} is empty; edge padding needs an element`);
  });
  if (pads.every(([b, a]) => b === 0 && a === 0)) return x;
  return call(padDef, [x], { pads, mode, value });
}

/** Inserts a size-1 axis at `axis`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const ax = normAxis('expandDims', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/** Removes size-1 axes (all of them, or the given ones). */
export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  const drop = new Set(
    (axes ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis('squeeze', a, x.rank)),
  );
  for (const a of drop)
    if (x.shape[a] !== 1) throw new ShapeError('squeeze', 'axes', `axis ${a} has size ${x.shape[a]}, not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.has(i)),
  );
}

/** Stacks same-shape tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (first === undefined) throw new ShapeError('stack', 'xs', 'is empty');
  return concat(
    xs.map((x) => expandDims(x, axis)),
    normAxis('stack', axis, first.rank + 1),
  );
}

/** Splits along `axis` into pieces of the given sizes. */
export function split(x: Tensor, sizes: readonly number[], axis = 0): Tensor[] {
  const ax = normAxis('split', axis, x.rank);
  if (sizes.reduce((a, b) => a + b, 0) !== x.shape[ax]) {
    throw new ShapeError('split', 'sizes', `[${sizes.join(', ')}] do not add up to ${x.shape[ax]} on axis ${ax}`);
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, j) => (j === ax ? offset : 0));
    offset += s;
    return slice(
      x,
      begin,
      x.shape.map((d, j) => (j === ax ? s : d)),
    );
  });
}

/** Flattens axes `[start, end]` into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis('flatten', start, x.rank, 'start');
  const e = normAxis('flatten', end, x.rank, 'end');
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Sum of a non-empty list of tensors (with broadcasting). */
export const addN = (xs: readonly Tensor[]): Tensor => xs.reduce((a, b) => add(a, b));
