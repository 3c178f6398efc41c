/** @file Movement primitives: reshape, transpose, broadcastTo, slice, concat, pad; and unbroadcast. */
import { type Pair, type PadMode, type Shape, sizeOf } from '@tapenet/kernels';
import { fmt, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { call, defineOp } from './def.js';
import { sum } from './reduce.js';
import {
  checkArray,
  checkAxis,
  checkInt,
  checkInts,
  checkNumber,
  checkOneOf,
  checkResultSize,
  checkShape,
} from '../validate.js';
import { checkTensor, checkTensors, sameShape } from './util.js';

// reshape: x̄ = reshape(ȳ, x.shape); shares storage, no kernel
export const reshapeDef = defineOp({
  name: 'reshape',
  differentiable: true,
  forward: (_k, [x], { shape }) => ({ data: x!.data, shape, dtype: x!.dtype }),
  vjp: (g, { inputs: [x] }) => [reshape(g, x!.shape)],
});

/** Same elements, new shape; one dim may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor('reshape', 'x', x);
  checkInts('reshape', 'shape', shape, -1);
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
  checkTensor('transpose', 'x', x);
  const p = perm === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : checkInts('transpose', 'perm', perm, 0);
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
  checkTensor('broadcastTo', 'x', x);
  checkShape('broadcastTo', 'shape', shape);
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

/**
 * Sums `g` over the axes that broadcasting added or stretched, giving back `shape` (the adjoint of broadcastTo).
 * @internal Not part of the public API (no semver promise); other tapenet packages and tests may use it.
 */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  checkTensor('unbroadcast', 'g', g);
  checkShape('unbroadcast', 'shape', shape);
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
  checkTensor('slice', 'x', x);
  checkInts('slice', 'begin', begin, 0);
  if (size !== undefined) checkInts('slice', 'size', size, -1);
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
  const first = checkTensors('concat', 'xs', xs)[0]!;
  const ax = checkAxis('concat', 'axis', axis, first.rank);
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

const PAD_MODES: readonly PadMode[] = ['constant', 'edge'];

/** Pads each axis by `[before, after]` with `value` ('constant') or copies of the edge ('edge'). */
export function pad(x: Tensor, pads: readonly Pair[], mode: PadMode = 'constant', value = 0): Tensor {
  checkTensor('pad', 'x', x);
  checkArray('pad', 'pads', pads);
  checkOneOf('pad', 'mode', mode, PAD_MODES);
  checkNumber('pad', 'value', value, false);
  if (pads.length !== x.rank) throw new ShapeError('pad', 'pads', `has ${pads.length} entries for rank ${x.rank}`);
  pads.forEach((p, i) => {
    const [b, a] = checkInts('pad', `pads[${i}]`, checkArray('pad', `pads[${i}]`, p, 2), 0) as Pair;
    if (mode === 'edge' && x.shape[i] === 0 && b + a > 0)
      throw new ShapeError('pad', 'x', `axis ${i} is empty; edge padding needs an element`);
  });
  checkResultSize(
    'pad',
    'pads',
    x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]),
  );
  if (pads.every(([b, a]) => b === 0 && a === 0)) return x;
  return call(padDef, [x], { pads, mode, value });
}

/** Inserts a size-1 axis at `axis`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const ax = checkAxis('expandDims', 'axis', axis, checkTensor('expandDims', 'x', x).rank + 1);
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/** Removes size-1 axes (all of them, or the given ones). */
export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  checkTensor('squeeze', 'x', x);
  const given =
    axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : checkArray('squeeze', 'axes', axes);
  const drop = new Set(given.map((a) => checkAxis('squeeze', 'axes', a, x.rank)));
  for (const a of drop)
    if (x.shape[a] !== 1) throw new ShapeError('squeeze', 'axes', `axis ${a} has size ${x.shape[a]}, not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.has(i)),
  );
}

/** Stacks same-shape tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const first = checkTensors('stack', 'xs', xs)[0]!;
  const ax = checkAxis('stack', 'axis', axis, first.rank + 1);
  return concat(
    xs.map((x) => expandDims(x, ax)),
    ax,
  );
}

/** Splits along `axis` into pieces of the given sizes. */
export function split(x: Tensor, sizes: readonly number[], axis = 0): Tensor[] {
  const ax = checkAxis('split', 'axis', axis, checkTensor('split', 'x', x).rank);
  checkInts('split', 'sizes', sizes, 0);
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
  checkTensor('flatten', 'x', x);
  if (x.rank === 0) {
    checkInt('flatten', 'start', start);
    checkInt('flatten', 'end', end);
    return reshape(x, [1]);
  }
  const s = checkAxis('flatten', 'start', start, x.rank);
  const e = checkAxis('flatten', 'end', end, x.rank);
  if (e < s) throw new ShapeError('flatten', 'end', `${end} (axis ${e}) comes before start ${start} (axis ${s})`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Sum of a non-empty list of tensors (with broadcasting). */
export const addN = (xs: readonly Tensor[]): Tensor => checkTensors('addN', 'xs', xs).reduce((a, b) => add(a, b));
