/**
 * @file Reductions (sum/max/min over axes) and softmax/logSoftmax along one axis.
 *
 * `reduce` sees x collapsed to at most six dims that alternate between kept and reduced (JS merges
 * neighbouring dims of the same kind and drops size-1 dims). Two shapes of loop cover every pattern:
 * - innermost dim reduced: each output element reduces contiguous runs (f64x2 accumulators for sums);
 * - innermost dim kept: each tile adds whole runs of x into a block of accumulators (f64 for sums).
 * Sums accumulate in float64 and round once, like the reference; max/min propagate NaN.
 */
import { at, ld } from './mem';
import {
  R_CHUNK,
  R_INNER_KEPT,
  R_OP,
  R_OUT,
  R_RANK,
  R_RED,
  R_SHAPE,
  R_X,
  RED_MAX,
  RED_SUM,
  S_CHUNK,
  S_INNER,
  S_LEN,
  S_LOG,
  S_OUT,
  S_OUTER,
  S_X,
} from '../src/wasm/layout';
import { vexp } from './simd-math';

// Up to three kept and three reduced dims (sizes and x strides), filled per tile from the descriptor.
let k0n: i32 = 1;
let k1n: i32 = 1;
let k2n: i32 = 1;
let k0s: i32 = 0;
let k1s: i32 = 0;
let k2s: i32 = 0;
let r0n: i32 = 1;
let r1n: i32 = 1;
let r2n: i32 = 1;
let r0s: i32 = 0;
let r1s: i32 = 0;
let r2s: i32 = 0;

/** Splits the collapsed dims into kept and reduced lists (outermost first, right-aligned in 3 slots). */
function readDims(d: usize): void {
  const rank = ld(d, R_RANK);
  k0n = k1n = k2n = r0n = r1n = r2n = 1;
  k0s = k1s = k2s = r0s = r1s = r2s = 0;
  let stride = 1;
  let nk = 0;
  let nr = 0;
  for (let a = rank - 1; a >= 0; a--) {
    const size = ld(d, R_SHAPE + a);
    if (ld(d, R_RED + a) !== 0) {
      if (nr === 0) {
        r2n = size;
        r2s = stride;
      } else if (nr === 1) {
        r1n = size;
        r1s = stride;
      } else {
        r0n = size;
        r0s = stride;
      }
      nr++;
    } else {
      if (nk === 0) {
        k2n = size;
        k2s = stride;
      } else if (nk === 1) {
        k1n = size;
        k1s = stride;
      } else {
        k0n = size;
        k0s = stride;
      }
      nk++;
    }
    stride *= size;
  }
}

/** Reduces the contiguous run `x[0..len)` into the running (sum | max | min) `acc`. */
function runReduce(op: i32, x: usize, len: i32, acc: f64): f64 {
  let i = 0;
  if (op === RED_SUM) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (; i + 4 <= len; i += 4) {
      const v = v128.load(at(x, i));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    }
    const s = f64x2.add(s0, s1);
    acc += f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < len; i++) acc += <f64>load<f32>(at(x, i));
    return acc;
  }
  let m = f32x4.splat(<f32>acc);
  if (op === RED_MAX) {
    for (; i + 4 <= len; i += 4) m = f32x4.max(m, v128.load(at(x, i)));
  } else {
    for (; i + 4 <= len; i += 4) m = f32x4.min(m, v128.load(at(x, i)));
  }
  let r = <f64>f32x4.extract_lane(m, 0);
  for (let l = 1; l < 5; l++) {
    let v: f64;
    if (l === 1) v = <f64>f32x4.extract_lane(m, 1);
    else if (l === 2) v = <f64>f32x4.extract_lane(m, 2);
    else if (l === 3) v = <f64>f32x4.extract_lane(m, 3);
    else v = acc;
    r = pick(op, r, v);
  }
  for (; i < len; i++) r = pick(op, r, <f64>load<f32>(at(x, i)));
  return r;
}

/** max/min of two values where a NaN on either side wins. */
function pick(op: i32, a: f64, b: f64): f64 {
  return op === RED_MAX ? max<f64>(a, b) : min<f64>(a, b);
}

/** The identity of `op`: 0, -∞ or +∞. */
function identity(op: i32): f64 {
  return op === RED_SUM ? 0 : op === RED_MAX ? -Infinity : Infinity;
}

/** One JOB_REDUCE tile. */
export function reduceTile(d: usize, t: i32, scratch: usize): void {
  readDims(d);
  const op = ld(d, R_OP);
  const x = <usize>ld(d, R_X);
  const out = <usize>ld(d, R_OUT);
  const chunk = ld(d, R_CHUNK);
  if (ld(d, R_INNER_KEPT) === 0) {
    // Each output element reduces r0 x r1 runs of r2n contiguous elements.
    const total = k0n * k1n * k2n;
    const o0 = t * chunk;
    const o1 = min<i32>(total, o0 + chunk);
    for (let o = o0; o < o1; o++) {
      const i2 = o % k2n;
      const i1 = (o / k2n) % k1n;
      const i0 = o / (k2n * k1n);
      const base = i0 * k0s + i1 * k1s + i2 * k2s;
      let acc = identity(op);
      for (let a = 0; a < r0n; a++) {
        for (let b = 0; b < r1n; b++) acc = runReduce(op, at(x, base + a * r0s + b * r1s), r2n, acc);
      }
      store<f32>(at(out, o), <f32>acc);
    }
    return;
  }
  // Innermost dim kept: tile = (outer kept index, chunk of the innermost kept dim).
  const perRow = (k2n + chunk - 1) / chunk;
  const orow = t / perRow;
  const c0 = (t - orow * perRow) * chunk;
  const len = min<i32>(chunk, k2n - c0);
  const i1 = orow % k1n;
  const i0 = orow / k1n;
  const base = i0 * k0s + i1 * k1s + c0;
  const acc = scratch;
  if (op === RED_SUM) {
    for (let i = 0; i < len; i++) store<f64>(acc + ((<usize>i) << 3), 0);
  } else {
    const v = <f32>identity(op);
    for (let i = 0; i < len; i++) store<f32>(at(acc, i), v);
  }
  for (let a = 0; a < r0n; a++) {
    for (let b = 0; b < r1n; b++) {
      for (let c = 0; c < r2n; c++) addRun(op, at(x, base + a * r0s + b * r1s + c * r2s), acc, len);
    }
  }
  const dst = at(out, orow * k2n + c0);
  if (op === RED_SUM) {
    for (let i = 0; i < len; i++) store<f32>(at(dst, i), <f32>load<f64>(acc + ((<usize>i) << 3)));
  } else {
    memory.copy(dst, acc, (<usize>len) << 2);
  }
}

/** `acc[i] ⊕= x[i]` for i in [0, len): f64 accumulators for sums, f32 for max/min. */
function addRun(op: i32, x: usize, acc: usize, len: i32): void {
  let i = 0;
  if (op === RED_SUM) {
    for (; i + 4 <= len; i += 4) {
      const v = v128.load(at(x, i));
      const p = acc + ((<usize>i) << 3);
      v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v)));
      v128.store(p, f64x2.add(v128.load(p, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; i < len; i++) {
      const p = acc + ((<usize>i) << 3);
      store<f64>(p, load<f64>(p) + <f64>load<f32>(at(x, i)));
    }
    return;
  }
  if (op === RED_MAX) {
    for (; i + 4 <= len; i += 4) v128.store(at(acc, i), f32x4.max(v128.load(at(acc, i)), v128.load(at(x, i))));
    for (; i < len; i++) store<f32>(at(acc, i), max<f32>(load<f32>(at(acc, i)), load<f32>(at(x, i))));
  } else {
    for (; i + 4 <= len; i += 4) v128.store(at(acc, i), f32x4.min(v128.load(at(acc, i)), v128.load(at(x, i))));
    for (; i < len; i++) store<f32>(at(acc, i), min<f32>(load<f32>(at(acc, i)), load<f32>(at(x, i))));
  }
}

/**
 * One JOB_SOFTMAX tile: `chunk` lines of x viewed as [outer, len, inner]. Along each line `m = max x`,
 * `s = Σ e^{x-m}`, then `e^{x-m}/s` (softmax) or `x - m - log s` (logSoftmax). Lines are processed four at
 * a time across `inner` (or one row at a time, vectorised along it, when inner = 1).
 */
export function softmaxTile(d: usize, t: i32, scratch: usize): void {
  const log = ld(d, S_LOG) !== 0;
  const len = ld(d, S_LEN);
  const inner = ld(d, S_INNER);
  const chunk = ld(d, S_CHUNK);
  const lines = ld(d, S_OUTER) * inner;
  const x = <usize>ld(d, S_X);
  const out = <usize>ld(d, S_OUT);
  const l0 = t * chunk;
  const l1 = min<i32>(lines, l0 + chunk);
  if (inner === 1) {
    for (let o = l0; o < l1; o++) softmaxRow(at(x, o * len), at(out, o * len), len, log, scratch);
    return;
  }
  // Lines (o, i): element j at (o*len + j)*inner + i. Take four neighbouring i of one o at a time.
  let line = l0;
  while (line < l1) {
    const o = line / inner;
    const i = line - o * inner;
    const count = min<i32>(4, min<i32>(inner - i, l1 - line));
    const base = o * len * inner + i;
    if (count === 4) {
      softmax4(x, out, base, len, inner, log);
    } else {
      for (let k = 0; k < count; k++) softmaxStrided(x, out, base + k, len, inner, log);
    }
    line += count;
  }
}

/** Softmax of the contiguous row `x[0..n)` into `y`; `tmp` holds 16 bytes for the tail. */
function softmaxRow(x: usize, y: usize, n: i32, log: bool, tmp: usize): void {
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) mv = f32x4.max(mv, v128.load(at(x, i)));
  let m = max<f32>(
    max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
    max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
  );
  for (; i < n; i++) m = max<f32>(m, load<f32>(at(x, i)));
  const ms = f32x4.splat(m);
  let sv = f32x4.splat(0);
  i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = vexp(f32x4.sub(v128.load(at(x, i)), ms));
    if (!log) v128.store(at(y, i), e);
    sv = f32x4.add(sv, e);
  }
  let s = <f64>f32x4.extract_lane(sv, 0) + <f64>f32x4.extract_lane(sv, 1);
  s += <f64>f32x4.extract_lane(sv, 2) + <f64>f32x4.extract_lane(sv, 3);
  if (i < n) {
    v128.store(tmp, f32x4.splat(-Infinity));
    memory.copy(tmp, at(x, i), (<usize>(n - i)) << 2);
    const e = vexp(f32x4.sub(v128.load(tmp), ms));
    v128.store(tmp, e);
    for (let k = 0; k < n - i; k++) s += <f64>load<f32>(at(tmp, k));
    if (!log) memory.copy(at(y, i), tmp, (<usize>(n - i)) << 2);
  }
  if (log) {
    // (x - m) - log s: rounding m + log s first would lose log s against a large m.
    const logS = Math.log(s);
    const ls = f32x4.splat(<f32>logS);
    let k = 0;
    for (; k + 4 <= n; k += 4) v128.store(at(y, k), f32x4.sub(f32x4.sub(v128.load(at(x, k)), ms), ls));
    for (; k < n; k++) store<f32>(at(y, k), <f32>(<f64>load<f32>(at(x, k)) - <f64>m - logS));
  } else {
    const r = f32x4.splat(<f32>(1 / s));
    let k = 0;
    for (; k + 4 <= n; k += 4) v128.store(at(y, k), f32x4.mul(v128.load(at(y, k)), r));
    for (; k < n; k++) store<f32>(at(y, k), <f32>(<f64>load<f32>(at(y, k)) / s));
  }
}

/** Four neighbouring lines at once, each lane one line, elements `inner` apart. */
function softmax4(x: usize, y: usize, base: i32, len: i32, inner: i32, log: bool): void {
  let m = f32x4.splat(-Infinity);
  for (let j = 0; j < len; j++) m = f32x4.max(m, v128.load(at(x, base + j * inner)));
  let s = f32x4.splat(0);
  for (let j = 0; j < len; j++) {
    const p = base + j * inner;
    const e = vexp(f32x4.sub(v128.load(at(x, p)), m));
    if (!log) v128.store(at(y, p), e);
    s = f32x4.add(s, e);
  }
  if (log) {
    const logS = f32x4(
      <f32>Math.log(<f64>f32x4.extract_lane(s, 0)),
      <f32>Math.log(<f64>f32x4.extract_lane(s, 1)),
      <f32>Math.log(<f64>f32x4.extract_lane(s, 2)),
      <f32>Math.log(<f64>f32x4.extract_lane(s, 3)),
    );
    for (let j = 0; j < len; j++) {
      const p = base + j * inner;
      v128.store(at(y, p), f32x4.sub(f32x4.sub(v128.load(at(x, p)), m), logS));
    }
  } else {
    const r = f32x4.div(f32x4.splat(1), s);
    for (let j = 0; j < len; j++) {
      const p = base + j * inner;
      v128.store(at(y, p), f32x4.mul(v128.load(at(y, p)), r));
    }
  }
}

/** One line with elements `inner` apart, scalar. */
function softmaxStrided(x: usize, y: usize, base: i32, len: i32, inner: i32, log: bool): void {
  let m: f32 = -Infinity;
  for (let j = 0; j < len; j++) m = max<f32>(m, load<f32>(at(x, base + j * inner)));
  let s: f64 = 0;
  for (let j = 0; j < len; j++) s += Math.exp(<f64>load<f32>(at(x, base + j * inner)) - <f64>m);
  const logS = Math.log(s);
  for (let j = 0; j < len; j++) {
    const p = at(x, base + j * inner);
    const v = <f64>load<f32>(p);
    store<f32>(at(y, base + j * inner), <f32>(log ? v - <f64>m - logS : Math.exp(v - <f64>m) / s));
  }
}
