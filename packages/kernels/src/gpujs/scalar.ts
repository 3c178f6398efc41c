/**
 * @file Scalar device functions: the helpers every kernel may call, and the tables of op snippets that the
 * elementwise templates splice in under a fixed name (`unaryOp(v)`, `binaryOp(a, b)`).
 *
 * These are top-level `function` declarations because gpu.js compiles their source text (to JS, wasm or
 * GLSL); they must not call anything but `Math.*` and each other. Kernel modules that call them declare
 * them with `declare function` instead of importing them: an import would be rewritten by bundlers into a
 * namespace access inside the kernel's source, which gpu.js cannot parse.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '../backend.js';
import type { KernelSource } from './runtime.js';

/**
 * `floor(r / d)` for non-negative integers held in floats, exact while r < 2^24: the quotient estimate
 * is corrected by one either way, since GL division need not be correctly rounded.
 */
export function floorDiv(r: number, d: number): number {
  let q = Math.floor(r / d);
  const m = r - q * d;
  if (m < 0) {
    q = q - 1;
  }
  if (m >= d) {
    q = q + 1;
  }
  return q;
}

/** 1 for NaN, else 0 (gpu.js has no Number.isNaN; NaN is the one value unequal to itself). */
export function isNan(v: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test device code can express
  return v !== v ? 1 : 0;
}

/** ToInt32 on the values a float32 can hold: truncate toward zero; NaN and ±∞ become 0. */
export function truncInt(v: number): number {
  if (isNan(v) > 0) {
    return 0;
  }
  if (Math.abs(v) > 3.4e38) {
    return 0;
  }
  return v < 0 ? -Math.floor(-v) : Math.floor(v);
}

/** Every kernel gets these. */
export const HELPERS: readonly KernelSource[] = [floorDiv, isNan, truncInt];

function neg(v: number): number {
  return -v;
}
function abs(v: number): number {
  return Math.abs(v);
}
function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}
function exp(v: number): number {
  return Math.exp(v);
}
/** `eˣ - 1`, by its Taylor series near 0 where `exp(v) - 1` would cancel. */
function expm1(v: number): number {
  if (Math.abs(v) < 1e-2) {
    return v * (1 + v * (0.5 + v * (1 / 6 + v * (1 / 24))));
  }
  return Math.exp(v) - 1;
}
function log(v: number): number {
  return Math.log(v);
}
/** `ln(1 + x)`, by its series near 0 where `log(1 + v)` would lose v. */
function log1p(v: number): number {
  if (Math.abs(v) < 1e-2) {
    return v * (1 - v * (0.5 - v * (1 / 3 - v * 0.25)));
  }
  return Math.log(1 + v);
}
function sqrt(v: number): number {
  return Math.sqrt(v);
}
function rsqrt(v: number): number {
  return 1 / Math.sqrt(v);
}
function square(v: number): number {
  return v * v;
}
function reciprocal(v: number): number {
  return 1 / v;
}
function sin(v: number): number {
  return Math.sin(v);
}
function cos(v: number): number {
  return Math.cos(v);
}
/** `tanh(x) = sign(x)·(1 - e^{-2|x|}) / (1 + e^{-2|x|})`: the exponent is never positive, so no overflow. */
function tanh(v: number): number {
  const t = Math.exp(-2 * Math.abs(v));
  const r = (1 - t) / (1 + t);
  return v < 0 ? -r : r;
}
/** `1 / (1 + e^{-x})`, as `eˣ / (1 + eˣ)` for negative x so that neither branch overflows. */
function sigmoid(v: number): number {
  if (v >= 0) {
    return 1 / (1 + Math.exp(-v));
  }
  const e = Math.exp(v);
  return e / (1 + e);
}
function relu(v: number): number {
  return Math.max(v, 0);
}
function floor(v: number): number {
  return Math.floor(v);
}
function ceil(v: number): number {
  return Math.ceil(v);
}
/** Round half to even (NumPy): 0.5 → 0, 1.5 → 2, 2.5 → 2, -2.5 → -2. */
function roundHalfEven(v: number): number {
  const r = Math.floor(v + 0.5);
  if (r - v === 0.5) {
    if (Math.floor(r * 0.5) * 2 !== r) {
      return r - 1;
    }
  }
  return r;
}

export const UNARY: { readonly [K in UnaryOp]: KernelSource } = {
  neg,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  square,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  floor,
  ceil,
  round: roundHalfEven,
};

/** The truncation `cast` to int32 applies (the same one int32 arithmetic applies on store). */
export const TRUNC_INT: KernelSource = truncInt;

function add(a: number, b: number): number {
  return a + b;
}
function sub(a: number, b: number): number {
  return a - b;
}
function mul(a: number, b: number): number {
  return a * b;
}
function div(a: number, b: number): number {
  return a / b;
}
/** `aᵇ`; a negative base needs an integer exponent (odd exponents keep the sign), else NaN. */
function pow(a: number, b: number): number {
  if (b === 0) {
    return 1;
  }
  const m = Math.abs(a) ** b;
  if (a < 0) {
    if (Math.floor(b) !== b) {
      return Math.sqrt(a);
    }
    return Math.floor(b * 0.5) * 2 === b ? m : -m;
  }
  return m;
}
/** NaN on either side gives NaN, as Math.max does. */
function maximum(a: number, b: number): number {
  if (isNan(a) + isNan(b) > 0) {
    return a + b;
  }
  return Math.max(a, b);
}
function minimum(a: number, b: number): number {
  if (isNan(a) + isNan(b) > 0) {
    return a + b;
  }
  return Math.min(a, b);
}

export const BINARY: { readonly [K in BinaryOp]: KernelSource } = { add, sub, mul, div, pow, maximum, minimum };

function equal(a: number, b: number): number {
  return a === b ? 1 : 0;
}
function notEqual(a: number, b: number): number {
  return a !== b ? 1 : 0;
}
function less(a: number, b: number): number {
  return a < b ? 1 : 0;
}
function lessEqual(a: number, b: number): number {
  return a <= b ? 1 : 0;
}
function greater(a: number, b: number): number {
  return a > b ? 1 : 0;
}
function greaterEqual(a: number, b: number): number {
  return a >= b ? 1 : 0;
}

export const COMPARE: { readonly [K in CompareOp]: KernelSource } = {
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
};
