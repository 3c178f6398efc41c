/**
 * @file Data movement. One strided "view" kernel serves pad (both modes), slice, transpose, broadcastTo and
 * copies; gather-style kernels serve concat, takeAlongAxis, scatterAddAlongAxis and oneHot. Every output
 * element computes its own source position, so nothing is scattered and nothing races.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { FloatDType, Pair, PadMode, Shape } from '@tapenet/kernels';
import {
  alongAxisSizes,
  checkAxis,
  checkBroadcastsTo,
  checkIndex,
  checkScatterUpdates,
  fmtShape,
  sizeOf,
  stridesOf,
} from '@tapenet/kernels';
import { check } from './elementwise.js';
import { aroundAxis, broadcastStrides, coalesce, MAX_RANK, perAxis } from './geometry.js';
import type { GTensor, Runtime, LaunchSpec } from './runtime.js';

declare function floorDiv(r: number, d: number): number;

/** Out dims `d*`, source strides `s*`, padding before `p*`, source extents `e*`, `base`, `mode`. */
interface ViewConsts {
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  readonly d3: number;
  readonly d4: number;
  readonly d5: number;
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
  readonly s3: number;
  readonly s4: number;
  readonly s5: number;
  readonly p0: number;
  readonly p1: number;
  readonly p2: number;
  readonly p3: number;
  readonly p4: number;
  readonly p5: number;
  readonly e0: number;
  readonly e1: number;
  readonly e2: number;
  readonly e3: number;
  readonly e4: number;
  readonly e5: number;
  readonly base: number;
  /** 0: plain strided read; 1: `fill` outside the source; 2: clamp to the nearest edge. */
  readonly mode: number;
}

/** `y[c] = x[base + Σ (c_a - p_a)·s_a]`, with `fill` (mode 1) or clamping (mode 2) outside `[0, e_a)`. */
export function viewKernel(this: IKernelFunctionThis<ViewConsts>, x: Float32Array, fill: number): number {
  let r = this.thread.x;
  let q = floorDiv(r, this.constants.d5);
  let x5 = r - q * this.constants.d5 - this.constants.p5;
  r = q;
  q = floorDiv(r, this.constants.d4);
  let x4 = r - q * this.constants.d4 - this.constants.p4;
  r = q;
  q = floorDiv(r, this.constants.d3);
  let x3 = r - q * this.constants.d3 - this.constants.p3;
  r = q;
  q = floorDiv(r, this.constants.d2);
  let x2 = r - q * this.constants.d2 - this.constants.p2;
  r = q;
  q = floorDiv(r, this.constants.d1);
  let x1 = r - q * this.constants.d1 - this.constants.p1;
  let x0 = q - this.constants.p0;
  if (this.constants.mode === 2) {
    x0 = Math.min(Math.max(x0, 0), this.constants.e0 - 1);
    x1 = Math.min(Math.max(x1, 0), this.constants.e1 - 1);
    x2 = Math.min(Math.max(x2, 0), this.constants.e2 - 1);
    x3 = Math.min(Math.max(x3, 0), this.constants.e3 - 1);
    x4 = Math.min(Math.max(x4, 0), this.constants.e4 - 1);
    x5 = Math.min(Math.max(x5, 0), this.constants.e5 - 1);
  }
  if (this.constants.mode === 1) {
    let outside = 0;
    if (x0 < 0 || x0 >= this.constants.e0 || x1 < 0 || x1 >= this.constants.e1) {
      outside = 1;
    }
    if (x2 < 0 || x2 >= this.constants.e2 || x3 < 0 || x3 >= this.constants.e3) {
      outside = 1;
    }
    if (x4 < 0 || x4 >= this.constants.e4 || x5 < 0 || x5 >= this.constants.e5) {
      outside = 1;
    }
    if (outside > 0) {
      return fill;
    }
  }
  const off =
    x0 * this.constants.s0 +
    x1 * this.constants.s1 +
    x2 * this.constants.s2 +
    x3 * this.constants.s3 +
    x4 * this.constants.s4 +
    x5 * this.constants.s5;
  return x[this.constants.base + off]!;
}

/** A plain strided view of x: `y[c] = x[base + Σ c_a·strides_a]` over `shape`, axes merged where possible. */
function view(rt: Runtime, label: string, x: GTensor, shape: Shape, strides: readonly number[], base: number): GTensor {
  const w = coalesce({ dims: shape, strides: [strides] }, label);
  const zeros = new Array<number>(MAX_RANK).fill(0);
  const constants = {
    ...perAxis('d', w.dims),
    ...perAxis('s', w.strides[0]!),
    ...perAxis('p', zeros),
    ...perAxis('e', w.dims),
    base,
    mode: 0,
  };
  return rt.tensor({ label, kernel: 'viewKernel', constants }, [x, 0], shape, x.dtype);
}

/** A fresh copy of x (kernels never return their input). */
export function copy(rt: Runtime, x: GTensor, label = 'copy'): GTensor {
  return view(rt, label, x, x.shape, stridesOf(x.shape), 0);
}

/** Pads each axis by `[before, after]` with `value` ('constant') or the nearest element ('edge'). */
export function pad(rt: Runtime, x: GTensor, pads: readonly Pair[], mode: PadMode, value: number): GTensor {
  const rank = x.shape.length;
  check(pads.length === rank, 'pad', () => `needs ${rank} [before, after] pairs, got ${pads.length}`);
  check(rank <= MAX_RANK, 'pad', () => `rank ${rank} is above this backend's ${MAX_RANK}`);
  for (const [before, after] of pads) {
    check(before >= 0 && after >= 0, 'pad', () => `pads must be non-negative, got [${before}, ${after}]`);
  }
  const shape = x.shape.map((n, a) => pads[a]![0] + n + pads[a]![1]);
  const lead = new Array<number>(MAX_RANK - rank).fill(1);
  const zero = new Array<number>(MAX_RANK - rank).fill(0);
  // An empty axis has no edge: the reference pads it with `value`, which mode 1 does.
  const edge = mode === 'edge' && sizeOf(x.shape) > 0;
  const constants = {
    ...perAxis('d', [...lead, ...shape]),
    ...perAxis('s', [...zero, ...stridesOf(x.shape)]),
    ...perAxis('p', [...zero, ...pads.map((p) => p[0])]),
    ...perAxis('e', [...lead, ...x.shape]),
    base: 0,
    mode: edge ? 2 : 1,
  };
  return rt.tensor({ label: 'pad', kernel: 'viewKernel', constants }, [x, value], shape, x.dtype);
}

/** The block starting at `begin` with extent `size` on every axis. */
export function slice(rt: Runtime, x: GTensor, begin: readonly number[], size: readonly number[]): GTensor {
  const rank = x.shape.length;
  check(begin.length === rank && size.length === rank, 'slice', () => `begin/size need ${rank} entries`);
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let a = 0; a < rank; a++) {
    const [b, s, n] = [begin[a]!, size[a]!, x.shape[a]!];
    check(b >= 0 && s >= 0 && b + s <= n, 'slice', () => `block [${begin}]+[${size}] outside ${fmtShape(x.shape)}`);
    base += b * strides[a]!;
  }
  return view(rt, 'slice', x, size, strides, base);
}

/** Permutes axes: `y.shape[i] = x.shape[perm[i]]`. */
export function transpose(rt: Runtime, x: GTensor, perm: readonly number[]): GTensor {
  const rank = x.shape.length;
  const ok = perm.length === rank && perm.every((p, i) => perm.indexOf(p) === i && p >= 0 && p < rank);
  check(ok, 'transpose', () => `[${perm}] is not a permutation of ${rank} axes`);
  const strides = stridesOf(x.shape);
  return view(
    rt,
    'transpose',
    x,
    perm.map((p) => x.shape[p]!),
    perm.map((p) => strides[p]!),
    0,
  );
}

/** NumPy broadcasting of x to `shape`. */
export function broadcastTo(rt: Runtime, x: GTensor, shape: Shape): GTensor {
  checkBroadcastsTo(x.shape, shape, 'broadcastTo', check);
  return view(rt, 'broadcastTo', x, shape, broadcastStrides(x.shape, shape), 0);
}

interface ConcatConsts {
  readonly la: number;
  readonly lb: number;
  readonly inner: number;
}

/** Joins a `[outer, la, inner]` and b `[outer, lb, inner]` along the middle axis. */
export function concat2Kernel(this: IKernelFunctionThis<ConcatConsts>, a: Float32Array, b: Float32Array): number {
  const q = floorDiv(this.thread.x, this.constants.inner);
  const r = this.thread.x - q * this.constants.inner;
  const o = floorDiv(q, this.constants.la + this.constants.lb);
  const j = q - o * (this.constants.la + this.constants.lb);
  if (j < this.constants.la) {
    return a[(o * this.constants.la + j) * this.constants.inner + r]!;
  }
  return b[(o * this.constants.lb + j - this.constants.la) * this.constants.inner + r]!;
}

/** Joins same-dtype tensors along `axis`, two at a time. */
export function concat(rt: Runtime, xs: readonly GTensor[], axis: number): GTensor {
  const first = xs[0];
  check(first !== undefined, 'concat', () => 'needs at least one tensor');
  const rank = first.shape.length;
  checkAxis(axis, rank, 'concat', check);
  for (const x of xs) {
    const same = x.shape.length === rank && x.shape.every((d, a) => a === axis || d === first.shape[a]);
    check(
      same && x.dtype === first.dtype,
      'concat',
      () => `${fmtShape(x.shape)} ${x.dtype} does not match ${fmtShape(first.shape)} ${first.dtype}`,
    );
  }
  let acc = copy(rt, first, 'concat');
  for (const x of xs.slice(1)) {
    const [, la, inner] = aroundAxis(acc.shape, axis);
    const lb = x.shape[axis]!;
    const shape = acc.shape.map((d, a) => (a === axis ? la + lb : d));
    const next = rt.tensor(
      { label: 'concat', kernel: 'concat2Kernel', constants: { la, lb, inner } },
      [acc, x],
      shape,
      x.dtype,
    );
    rt.release(acc.data);
    acc = next;
  }
  return acc;
}

interface AlongConsts {
  /** idx's length along the axis. */
  readonly m: number;
  /** x's (or y's) length along the axis. */
  readonly len: number;
  readonly inner: number;
}

/** `y[o, i, r] = x[o, idx[o, i, r], r]`; an index outside `[0, len)` reads 0 (GL modes do not check). */
export function takeAlongKernel(this: IKernelFunctionThis<AlongConsts>, x: Float32Array, idx: Float32Array): number {
  const q = floorDiv(this.thread.x, this.constants.inner);
  const r = this.thread.x - q * this.constants.inner;
  const o = floorDiv(q, this.constants.m);
  const j = idx[this.thread.x]!;
  if (j < 0 || j >= this.constants.len) {
    return 0;
  }
  return x[(o * this.constants.len + j) * this.constants.inner + r]!;
}

/** `y[o, j, r] = Σ_i [idx[o, i, r] = j]·updates[o, i, r]` (gather form of the scatter: no races). */
export function scatterAddKernel(
  this: IKernelFunctionThis<AlongConsts>,
  updates: Float32Array,
  idx: Float32Array,
): number {
  const q = floorDiv(this.thread.x, this.constants.inner);
  const r = this.thread.x - q * this.constants.inner;
  const o = floorDiv(q, this.constants.len);
  const j = q - o * this.constants.len;
  let s = 0;
  for (let i = 0; i < this.constants.m; i++) {
    const k = (o * this.constants.m + i) * this.constants.inner + r;
    if (idx[k]! === j) {
      s += updates[k]!;
    }
  }
  return s;
}

/** Throws, as the reference does, on an index outside `[0, len)` when the indices live on the host. */
function checkHostIndices(idx: GTensor, len: number, kernel: string): void {
  if (!(idx.data instanceof Float32Array)) return; // on a GL device: reading it back would stall the pipeline
  for (const j of idx.data) check(j >= 0 && j < len, kernel, () => `index ${j} outside [0, ${len})`);
}

/** NumPy `take_along_axis`: y has idx's shape. */
export function takeAlongAxis(rt: Runtime, x: GTensor, idx: GTensor, axis: number): GTensor {
  alongAxisSizes(x.shape, idx, axis, 'takeAlongAxis', check);
  const len = x.shape[axis]!;
  checkHostIndices(idx, len, 'takeAlongAxis');
  const [, m, inner] = aroundAxis(idx.shape, axis);
  const launch: LaunchSpec = { label: 'takeAlongAxis', kernel: 'takeAlongKernel', constants: { m, len, inner } };
  return rt.tensor(launch, [x, idx], idx.shape, x.dtype);
}

/** Transpose of takeAlongAxis: zeros with `size` along axis, each update added at its index. */
export function scatterAddAlongAxis(rt: Runtime, updates: GTensor, idx: GTensor, axis: number, size: number): GTensor {
  const shape = updates.shape.map((d, a) => (a === axis ? size : d));
  alongAxisSizes(shape, idx, axis, 'scatterAddAlongAxis', check);
  checkScatterUpdates(idx.shape, updates.shape, check);
  checkHostIndices(idx, size, 'scatterAddAlongAxis');
  const [, m, inner] = aroundAxis(idx.shape, axis);
  const launch: LaunchSpec = {
    label: 'scatterAddAlongAxis',
    kernel: 'scatterAddKernel',
    constants: { m, len: size, inner },
    loopMax: m,
  };
  return rt.tensor(launch, [updates, idx], shape, updates.dtype);
}

interface OneHotConsts {
  readonly depth: number;
}

/** `y[s, j] = idx[s] = j ? 1 : 0`. */
export function oneHotKernel(this: IKernelFunctionThis<OneHotConsts>, idx: Float32Array): number {
  const s = floorDiv(this.thread.x, this.constants.depth);
  const j = this.thread.x - s * this.constants.depth;
  return idx[s]! === j ? 1 : 0;
}

/** int32 indices `[...S]` → `[...S, depth]`; out-of-range rows are all 0. float32 only. */
export function oneHot(rt: Runtime, indices: GTensor, depth: number, dtype: FloatDType): GTensor {
  checkIndex(indices, 'indices', 'oneHot', check);
  check(dtype === 'float32', 'oneHot', () => 'float64 is not supported by the gpujs backend (float32 storage)');
  const launch: LaunchSpec = { label: 'oneHot', kernel: 'oneHotKernel', constants: { depth } };
  return rt.tensor(launch, [indices], [...indices.shape, depth], dtype);
}
