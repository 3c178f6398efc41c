/**
 * @file Pure samplers from a {@link Key} into flat typed arrays (the tensor wrappers sit on top).
 *
 * Element i of every sampler except {@link permutationValues} is a function of the Threefry block for
 * counter i alone (`(y0, y1) = threefry2x32(k, (0, i))`), so the first m values of a draw of n equal a draw
 * of m, and nothing depends on evaluation order. 32-bit draws use `y0 ⊕ y1` and 64-bit draws `y0·2³² + y1`,
 * which is what JAX's partitionable Threefry `random_bits` returns; `uniformValues` and `normalValues`
 * then follow `jax.random.uniform` / `jax.random.normal`, so a key with the same words gives the same
 * numbers as JAX (≥ 0.5, or `jax_threefry_partitionable=True`). The other samplers are our own recipes.
 */
import type { Key } from './keys.js';
import { isKey } from './keys.js';
import { logNormalCdf, normalCdf, normalQuantile, normalQuantileFromLog } from './special.js';
import { threefry2x32Fill, threefry2x32FillXor } from './threefry.js';

/** The float element types the samplers produce. */
type FloatDType = 'float32' | 'float64';
/** The array type that goes with a float dtype. */
export type FloatArrayOf<D extends FloatDType> = D extends 'float32' ? Float32Array : Float64Array;

const WORD = 0x1_0000_0000;
/** Blocks generated per refill of the scratch buffer. */
const CHUNK = 4096;

// ---------- validation ----------

function checkKey(fn: string, k: unknown): asserts k is Key {
  if (!isKey(k)) throw new TypeError(`${fn}: k must be a Key { kind: 'tapenet.key', words: [u32, u32] }`);
}

function checkCount(fn: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${fn}: n must be a non-negative integer, got ${n}`);
}

function checkDType(fn: string, dtype: string): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`${fn}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
}

function checkFinite(fn: string, name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${fn}: ${name} must be finite, got ${x}`);
}

function allocate<D extends FloatDType>(dtype: D, n: number): FloatArrayOf<D> {
  // The conditional type cannot be narrowed by TypeScript; this is the one cast in the module.
  return (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)) as FloatArrayOf<D>;
}

// ---------- bits ----------

/**
 * Calls `visit(i, y0, y1)` for i = 0 … n − 1 with the Threefry block of counter i, refilling one
 * fixed scratch buffer so memory stays O(1) in n.
 */
function eachBlock(k: Key, n: number, visit: (i: number, y0: number, y1: number) => void): void {
  const buf = new Uint32Array(2 * Math.min(n, CHUNK));
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    const view = 2 * m === buf.length ? buf : buf.subarray(0, 2 * m);
    threefry2x32Fill(k.words[0], k.words[1], start, view);
    for (let j = 0; j < m; j++) visit(start + j, view[2 * j]!, view[2 * j + 1]!);
  }
}

/** `f ∈ [0, 1)` from 23 bits, JAX's float32 recipe: the float with bits `(b >>> 9) | 0x3f800000`, minus 1. */
const unit23 = (y0: number, y1: number): number => ((y0 ^ y1) >>> 9) * 2 ** -23;
/** `f ∈ [0, 1)` from the top 52 of the 64 bits `y0·2³² + y1`, JAX's float64 recipe. */
const unit52 = (y0: number, y1: number): number => (y0 * 2 ** 20 + (y1 >>> 12)) * 2 ** -52;
/** A point strictly inside (0, 1): `(b + ½)·2⁻³²` (32 bits) or `(m₅₂ + ½)·2⁻⁵²` (52 bits). */
const openUnit = (wide: boolean, y0: number, y1: number): number =>
  wide ? unit52(y0, y1) + 2 ** -53 : (((y0 ^ y1) >>> 0) + 0.5) * 2 ** -32;

/** `nextafter(−1, +∞)` in float32 and float64: the lower end of JAX's uniform for `normal`. */
const MINUS_ONE_UP_32 = -1 + 2 ** -24;
const MINUS_ONE_UP_64 = -1 + 2 ** -53;

/**
 * `n` uniformly random uint32 words: `out[i] = y0 ⊕ y1` of the block for counter i.
 *
 * @example randomBits(key(0), 4) // Uint32Array of length 4, the same every time
 */
export function randomBits(k: Key, n: number): Uint32Array {
  checkKey('randomBits', k);
  checkCount('randomBits', n);
  return threefry2x32FillXor(k.words[0], k.words[1], 0, new Uint32Array(n));
}

/**
 * `(hi·2³² + lo) mod m`, exact, for uint32 hi, lo and an integer 1 ≤ m ≤ 2³². Computed as
 * `((hi mod m)·(2³² mod m) + lo) mod m` with the product split into 16-bit halves so that every
 * intermediate stays below 2⁵³.
 */
export function uint64Mod(hi: number, lo: number, m: number): number {
  const r = WORD % m;
  const a = hi % m;
  const ar = (((a * Math.floor(r / 65536)) % m) * 65536 + a * (r % 65536)) % m;
  return (ar + (lo % m)) % m;
}

// ---------- float samplers ----------

/** The smallest `dtype` value ≥ x (dir = 1) or the largest ≤ x (dir = −1); x finite or infinite. */
function roundInto(dtype: FloatDType, x: number, dir: 1 | -1): number {
  if (dtype === 'float64') return x;
  const f = Math.fround(x);
  return f === x || (dir === 1 ? f > x : f < x) ? f : nextFloat(dtype, f, dir);
}

/** The neighbouring float of `dtype` after x in direction dir (x a float of that dtype, not NaN). */
function nextFloat(dtype: FloatDType, x: number, dir: 1 | -1): number {
  if (x === dir * Number.POSITIVE_INFINITY) return x;
  if (dtype === 'float64') {
    if (x === 0) return dir * Number.MIN_VALUE;
    const bits = new BigInt64Array(new Float64Array([x]).buffer);
    bits[0] = bits[0]! + (x > 0 === dir > 0 ? 1n : -1n);
    return new Float64Array(bits.buffer)[0]!;
  }
  if (x === 0) return dir * 2 ** -149;
  const bits = new Int32Array(new Float32Array([x]).buffer);
  bits[0] = bits[0]! + (x > 0 === dir > 0 ? 1 : -1);
  return new Float32Array(bits.buffer)[0]!;
}

/** The closed range [first, last] of `dtype` values inside the interval; throws if it holds none. */
function representable(fn: string, dtype: FloatDType, lo: number, hi: number, open: boolean): [number, number] {
  const first = open ? nextFloat(dtype, roundInto(dtype, lo, -1), 1) : roundInto(dtype, lo, 1);
  const last = nextFloat(dtype, roundInto(dtype, hi, 1), -1);
  if (!(first <= last)) {
    throw new RangeError(`${fn}: no ${dtype} value lies in the interval from ${lo} to ${hi}`);
  }
  return [first, last];
}

/**
 * `n` samples uniform on `[lo, hi)`: `lo + f·(hi − lo)` with `f ∈ [0, 1)` from 23 random mantissa bits
 * (float32: the float `1.m` minus 1, arithmetic in float32) or 52 bits (float64), as `jax.random.uniform`
 * does, so for the same key words the values agree with JAX's. Values that round up to `hi` are clamped
 * to the largest `dtype` value below `hi` (JAX leaves them).
 *
 * @throws RangeError unless lo, hi are finite and `lo < hi` (with a `dtype` value in between).
 */
export function uniformValues<D extends FloatDType>(k: Key, n: number, dtype: D, lo = 0, hi = 1): FloatArrayOf<D> {
  const fn = 'uniformValues';
  checkKey(fn, k);
  checkCount(fn, n);
  checkDType(fn, dtype);
  checkFinite(fn, 'lo', lo);
  checkFinite(fn, 'hi', hi);
  if (!(lo < hi)) throw new RangeError(`${fn}: lo must be < hi, got lo = ${lo}, hi = ${hi}`);
  const [first, last] = representable(fn, dtype, lo, hi, false);
  const out = allocate(dtype, n);
  if (dtype === 'float64') {
    const span = hi - lo;
    eachBlock(k, n, (i, y0, y1) => {
      out[i] = unit52(y0, y1) * span + lo;
    });
  } else {
    const f = Math.fround;
    const lo32 = f(lo);
    const span32 = f(f(hi) - lo32);
    eachBlock(k, n, (i, y0, y1) => {
      out[i] = f(unit23(y0, y1) * span32) + lo32;
    });
  }
  // Clamp after the store, so that the float32 rounding of the store is covered too.
  for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(out[i]!, first), last);
  return out;
}

/**
 * `n` normal samples `mean + std·Φ⁻¹((u + 1)/2)` (inverse CDF; `Φ⁻¹((u+1)/2) = √2·erfinv(u)`), where u is
 * uniform on `[nextafter(−1, +∞), 1)` built from 23 (float32, in float32 arithmetic) or 52 (float64) bits
 * exactly as `jax.random.normal` builds it, so the standard normal values agree with JAX's to rounding.
 * Never ±∞ or NaN: the extreme values of Φ⁻¹ are about −5.5 … 5.4 (float32) and ±8.3 (float64).
 *
 * @throws RangeError unless mean is finite and std is finite and ≥ 0.
 */
export function normalValues<D extends FloatDType>(k: Key, n: number, dtype: D, mean = 0, std = 1): FloatArrayOf<D> {
  const fn = 'normalValues';
  checkKey(fn, k);
  checkCount(fn, n);
  checkDType(fn, dtype);
  checkFinite(fn, 'mean', mean);
  checkFinite(fn, 'std', std);
  if (std < 0) throw new RangeError(`${fn}: std must be ≥ 0, got ${std}`);
  const out = allocate(dtype, n);
  const wide = dtype === 'float64';
  eachBlock(k, n, (i, y0, y1) => {
    // u = max(lo, f·(1 − lo) + lo) with lo = nextafter(−1, +∞); 1 − lo rounds to 2 in both precisions.
    const u = wide
      ? Math.max(unit52(y0, y1) * 2 + MINUS_ONE_UP_64, MINUS_ONE_UP_64)
      : Math.max(Math.fround(unit23(y0, y1) * 2 + MINUS_ONE_UP_32), MINUS_ONE_UP_32);
    out[i] = mean + std * normalQuantile((u + 1) / 2);
  });
  return out;
}

/**
 * Maps t ∈ (0, 1) to the standard normal truncated to [a, b] by inverse CDF:
 * `x = Φ⁻¹(Φ(a) + t·(Φ(b) − Φ(a)))`. Intervals lying mostly above 0 are mirrored to the lower tail, and
 * when b < 0 the CDF values are handled as logarithms,
 * `log u = log Φ(b) + log(r + t·(1 − r))`, `r = Φ(a)/Φ(b)`, so that [−40, −39] works although Φ underflows.
 */
function truncatedNormalMap(a: number, b: number): (t: number) => number {
  const flip = a + b > 0;
  const lo = flip ? -b : a;
  const hi = flip ? -a : b;
  const sign = flip ? -1 : 1;
  if (hi < 0) {
    const logB = logNormalCdf(hi);
    const d = logNormalCdf(lo) - logB; // log r ≤ 0
    const r = Math.exp(d);
    const oneMinusR = -Math.expm1(d);
    return (t) => sign * clampOrHi(normalQuantileFromLog(logB + Math.log(r + t * oneMinusR)), lo, hi);
  }
  const pa = normalCdf(lo);
  const mass = normalCdf(hi) - pa;
  return (t) => sign * clampOrHi(normalQuantile(pa + t * mass), lo, hi);
}

/**
 * x clamped to [lo, hi]; NaN (only for bounds so far out that log Φ overflows) becomes hi, the end nearer
 * 0, where almost all the mass of such an interval lies.
 */
const clampOrHi = (x: number, lo: number, hi: number): number => (x >= lo ? Math.min(x, hi) : x < lo ? lo : hi);

/**
 * `n` samples of a standard normal truncated to `(lower, upper)`, by inverse CDF of a uniform between
 * `Φ(lower)` and `Φ(upper)` (see the float64 Φ, Φ⁻¹ in `special.ts`). Every value lies strictly inside
 * the bounds (clamped to the nearest `dtype` values inside, as JAX does). Infinite bounds are allowed.
 * Its mean is `(φ(a) − φ(b)) / (Φ(b) − Φ(a))` with a = lower, b = upper.
 *
 * @throws RangeError unless lower < upper (not NaN) with a `dtype` value strictly between them.
 */
export function truncatedNormalValues<D extends FloatDType>(
  k: Key,
  n: number,
  dtype: D,
  lower = -2,
  upper = 2,
): FloatArrayOf<D> {
  const fn = 'truncatedNormalValues';
  checkKey(fn, k);
  checkCount(fn, n);
  checkDType(fn, dtype);
  if (!(lower < upper)) throw new RangeError(`${fn}: lower must be < upper, got lower = ${lower}, upper = ${upper}`);
  const [first, last] = representable(fn, dtype, lower, upper, true);
  const map = truncatedNormalMap(lower, upper);
  const out = allocate(dtype, n);
  const wide = dtype === 'float64';
  eachBlock(k, n, (i, y0, y1) => {
    out[i] = map(openUnit(wide, y0, y1));
  });
  for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(out[i]!, first), last);
  return out;
}

// ---------- integer samplers ----------

/**
 * `n` Bernoulli(p) draws as 0/1: `out[i] = 1` iff `b < p·2³²` for the 32-bit word b, so
 * `P(1) = ⌈p·2³²⌉ / 2³²` (exactly 0 for p = 0 and 1 for p = 1).
 *
 * @throws RangeError unless 0 ≤ p ≤ 1.
 */
export function bernoulliValues(k: Key, n: number, p: number): Int32Array {
  const fn = 'bernoulliValues';
  checkKey(fn, k);
  checkCount(fn, n);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${fn}: p must be in [0, 1], got ${p}`);
  const threshold = p * WORD;
  const out = new Int32Array(n);
  eachBlock(k, n, (i, y0, y1) => {
    out[i] = (y0 ^ y1) >>> 0 < threshold ? 1 : 0;
  });
  return out;
}

/**
 * `n` integers uniform on `[lo, hi)`: `lo + (y0·2³² + y1) mod (hi − lo)` from 64 random bits. The modulo
 * bias is at most `(hi − lo)/2⁶⁴ ≤ 2⁻³²` relative per outcome (each outcome has probability
 * ⌊2⁶⁴/s⌋/2⁶⁴ or ⌈2⁶⁴/s⌉/2⁶⁴ for s = hi − lo), far below anything a test could detect.
 *
 * @throws RangeError unless lo, hi are integers with −2³¹ ≤ lo < hi ≤ 2³¹.
 */
export function randintValues(k: Key, n: number, lo: number, hi: number): Int32Array {
  const fn = 'randintValues';
  checkKey(fn, k);
  checkCount(fn, n);
  for (const [name, v] of [
    ['lo', lo],
    ['hi', hi],
  ] as const) {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31) {
      throw new RangeError(`${fn}: ${name} must be an integer in [-2^31, 2^31], got ${v}`);
    }
  }
  if (!(lo < hi)) throw new RangeError(`${fn}: lo must be < hi, got lo = ${lo}, hi = ${hi}`);
  const span = hi - lo;
  const out = new Int32Array(n);
  eachBlock(k, n, (i, y0, y1) => {
    out[i] = lo + uint64Mod(y0, y1, span);
  });
  return out;
}

/**
 * A uniformly random permutation of `0 … n − 1` by the inside-out Fisher–Yates shuffle: for i = 0 … n − 1,
 * `j = (y0·2³² + y1) mod (i + 1)` from block i, then `out[i] = out[j]; out[j] = i`. Each of the n!
 * permutations has probability within a relative 2⁻³² of 1/n!.
 *
 * @throws RangeError unless n is an integer in [0, 2³¹].
 */
export function permutationValues(k: Key, n: number): Int32Array {
  const fn = 'permutationValues';
  checkKey(fn, k);
  checkCount(fn, n);
  if (n > 2 ** 31) throw new RangeError(`${fn}: n must be ≤ 2^31 to fit int32 values, got ${n}`);
  const out = new Int32Array(n);
  eachBlock(k, n, (i, y0, y1) => {
    const j = uint64Mod(y0, y1, i + 1);
    out[i] = out[j]!;
    out[j] = i;
  });
  return out;
}
