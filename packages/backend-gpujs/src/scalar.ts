/**
 * @file Scalar device functions: the helpers every kernel may call, and the tables of op snippets that the
 * elementwise templates splice in under a fixed name (`unaryOp(v)`, `binaryOp(a, b)`).
 *
 * These are top-level `function` declarations because gpu.js compiles their source text (to JS, wasm or
 * GLSL): `scripts/gpujs-sources.mjs` copies that text into `sources.generated.ts` as strings, and the
 * tables below name each function by its name there. They must not call anything but `Math.*` and each
 * other. Kernel modules that call them declare them with `declare function` instead of importing them: the
 * kernels' text must call them by these exact names.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '@tapenet/kernels';
import type { DeviceFunction } from './runtime.js';

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
export const HELPERS: readonly DeviceFunction[] = ['floorDiv', 'isNan', 'truncInt'];

export function neg(v: number): number {
  return -v;
}
export function abs(v: number): number {
  return Math.abs(v);
}
export function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}
export function exp(v: number): number {
  return Math.exp(v);
}
/** `eˣ - 1`, by its Taylor series near 0 where `exp(v) - 1` would cancel. */
export function expm1(v: number): number {
  if (Math.abs(v) < 1e-2) {
    return v * (1 + v * (0.5 + v * (1 / 6 + v * (1 / 24))));
  }
  return Math.exp(v) - 1;
}
export function log(v: number): number {
  return Math.log(v);
}
/** `ln(1 + x)`, by its series near 0 where `log(1 + v)` would lose v. */
export function log1p(v: number): number {
  if (Math.abs(v) < 1e-2) {
    return v * (1 - v * (0.5 - v * (1 / 3 - v * 0.25)));
  }
  return Math.log(1 + v);
}
export function sqrt(v: number): number {
  return Math.sqrt(v);
}
export function rsqrt(v: number): number {
  return 1 / Math.sqrt(v);
}
export function square(v: number): number {
  return v * v;
}
export function reciprocal(v: number): number {
  return 1 / v;
}
export function sin(v: number): number {
  return Math.sin(v);
}
export function cos(v: number): number {
  return Math.cos(v);
}
/** `tanh(x) = sign(x)·(1 - e^{-2|x|}) / (1 + e^{-2|x|})`: the exponent is never positive, so no overflow. */
export function tanh(v: number): number {
  const t = Math.exp(-2 * Math.abs(v));
  const r = (1 - t) / (1 + t);
  return v < 0 ? -r : r;
}
/** `1 / (1 + e^{-x})`, as `eˣ / (1 + eˣ)` for negative x so that neither branch overflows. */
export function sigmoid(v: number): number {
  if (v >= 0) {
    return 1 / (1 + Math.exp(-v));
  }
  const e = Math.exp(v);
  return e / (1 + e);
}
export function relu(v: number): number {
  return Math.max(v, 0);
}
export function floor(v: number): number {
  return Math.floor(v);
}
export function ceil(v: number): number {
  return Math.ceil(v);
}
/**
 * `erf(x)` in float32: Cody's rational approximations (Math. Comp. 23, 1969; the reference backend's
 * `erf.ts` has the float64 version and says which branch is which), polynomials written out since device
 * code has no arrays and a snippet cannot call a helper: `erf` and `erfc` each carry the whole algorithm.
 */
export function erf(v: number): number {
  const y = Math.abs(v);
  const s2 = v * v;
  const sn =
    (((0.18577770618460315 * s2 + 3.1611237438705655) * s2 + 113.86415415105016) * s2 + 377.485237685302) * s2 +
    3209.3775891384694;
  const sd = (((s2 + 23.601290952344122) * s2 + 244.02463793444417) * s2 + 1282.6165260773723) * s2 + 2844.236833439171;
  const small = (v * sn) / sd;
  const h = Math.floor(y * 16) / 16;
  const e = Math.exp(-h * h) * Math.exp(-(y - h) * (y + h));
  let big = 0;
  if (y > 10) {
    big = 0;
  } else if (y <= 4) {
    let num = 2.1531153547440383e-8 * y + 0.5641884969886701;
    num = num * y + 8.883149794388375;
    num = num * y + 66.11919063714163;
    num = num * y + 298.6351381974001;
    num = num * y + 881.952221241769;
    num = num * y + 1712.0476126340707;
    num = num * y + 2051.0783778260716;
    num = num * y + 1230.3393547979972;
    let den = y + 15.744926110709835;
    den = den * y + 117.6939508913125;
    den = den * y + 537.1811018620099;
    den = den * y + 1621.3895745666903;
    den = den * y + 3290.7992357334597;
    den = den * y + 4362.619090143247;
    den = den * y + 3439.3676741437216;
    den = den * y + 1230.3393548037493;
    big = (e * num) / den;
  } else {
    const s = 1 / (y * y);
    let num = 0.016315387137302097 * s + 0.30532663496123236;
    num = num * s + 0.36034489994980445;
    num = num * s + 0.12578172611122926;
    num = num * s + 0.01608378514874228;
    num = num * s + 0.0006587491615298378;
    let den = s + 2.568520192289822;
    den = den * s + 1.8729528499234673;
    den = den * s + 0.5279051029514285;
    den = den * s + 0.06051834131244132;
    den = den * s + 0.0023352049762686918;
    big = (e * (0.5641895835477563 - (s * num) / den)) / y;
  }
  if (y <= 0.46875) {
    return small;
  }
  return v < 0 ? big - 1 : 1 - big;
}
/** `erfc(x)` in float32, as `erf` above; `2 − erfc(|x|)` for negative x. */
export function erfc(v: number): number {
  const y = Math.abs(v);
  const s2 = v * v;
  const sn =
    (((0.18577770618460315 * s2 + 3.1611237438705655) * s2 + 113.86415415105016) * s2 + 377.485237685302) * s2 +
    3209.3775891384694;
  const sd = (((s2 + 23.601290952344122) * s2 + 244.02463793444417) * s2 + 1282.6165260773723) * s2 + 2844.236833439171;
  const small = (v * sn) / sd;
  const h = Math.floor(y * 16) / 16;
  const e = Math.exp(-h * h) * Math.exp(-(y - h) * (y + h));
  let big = 0;
  if (y > 10) {
    big = 0;
  } else if (y <= 4) {
    let num = 2.1531153547440383e-8 * y + 0.5641884969886701;
    num = num * y + 8.883149794388375;
    num = num * y + 66.11919063714163;
    num = num * y + 298.6351381974001;
    num = num * y + 881.952221241769;
    num = num * y + 1712.0476126340707;
    num = num * y + 2051.0783778260716;
    num = num * y + 1230.3393547979972;
    let den = y + 15.744926110709835;
    den = den * y + 117.6939508913125;
    den = den * y + 537.1811018620099;
    den = den * y + 1621.3895745666903;
    den = den * y + 3290.7992357334597;
    den = den * y + 4362.619090143247;
    den = den * y + 3439.3676741437216;
    den = den * y + 1230.3393548037493;
    big = (e * num) / den;
  } else {
    const s = 1 / (y * y);
    let num = 0.016315387137302097 * s + 0.30532663496123236;
    num = num * s + 0.36034489994980445;
    num = num * s + 0.12578172611122926;
    num = num * s + 0.01608378514874228;
    num = num * s + 0.0006587491615298378;
    let den = s + 2.568520192289822;
    den = den * s + 1.8729528499234673;
    den = den * s + 0.5279051029514285;
    den = den * s + 0.06051834131244132;
    den = den * s + 0.0023352049762686918;
    big = (e * (0.5641895835477563 - (s * num) / den)) / y;
  }
  if (y <= 0.46875) {
    return 1 - small;
  }
  return v < 0 ? 2 - big : big;
}
/** Round half to even (NumPy): 0.5 → 0, 1.5 → 2, 2.5 → 2, -2.5 → -2. */
export function roundHalfEven(v: number): number {
  const r = Math.floor(v + 0.5);
  if (r - v === 0.5) {
    if (Math.floor(r * 0.5) * 2 !== r) {
      return r - 1;
    }
  }
  return r;
}

export const UNARY: { readonly [K in UnaryOp]: DeviceFunction } = {
  neg: 'neg',
  abs: 'abs',
  sign: 'sign',
  exp: 'exp',
  expm1: 'expm1',
  log: 'log',
  log1p: 'log1p',
  sqrt: 'sqrt',
  rsqrt: 'rsqrt',
  square: 'square',
  reciprocal: 'reciprocal',
  sin: 'sin',
  cos: 'cos',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  floor: 'floor',
  ceil: 'ceil',
  round: 'roundHalfEven',
  erf: 'erf',
  erfc: 'erfc',
};

/** The truncation `cast` to int32 applies (the same one int32 arithmetic applies on store). */
export const TRUNC_INT: DeviceFunction = 'truncInt';

/** Identity snippet (a cast that keeps the values). */
export function copyScalar(v: number): number {
  return v;
}

export function add(a: number, b: number): number {
  return a + b;
}
export function sub(a: number, b: number): number {
  return a - b;
}
export function mul(a: number, b: number): number {
  return a * b;
}
export function div(a: number, b: number): number {
  return a / b;
}
/** `aᵇ`; a negative base needs an integer exponent (odd exponents keep the sign), else NaN. */
export function pow(a: number, b: number): number {
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
export function maximum(a: number, b: number): number {
  if (isNan(a) + isNan(b) > 0) {
    return a + b;
  }
  return Math.max(a, b);
}
export function minimum(a: number, b: number): number {
  if (isNan(a) + isNan(b) > 0) {
    return a + b;
  }
  return Math.min(a, b);
}

export const BINARY: { readonly [K in BinaryOp]: DeviceFunction } = {
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  pow: 'pow',
  maximum: 'maximum',
  minimum: 'minimum',
};

export function equal(a: number, b: number): number {
  return a === b ? 1 : 0;
}
export function notEqual(a: number, b: number): number {
  return a !== b ? 1 : 0;
}
export function less(a: number, b: number): number {
  return a < b ? 1 : 0;
}
export function lessEqual(a: number, b: number): number {
  return a <= b ? 1 : 0;
}
export function greater(a: number, b: number): number {
  return a > b ? 1 : 0;
}
export function greaterEqual(a: number, b: number): number {
  return a >= b ? 1 : 0;
}

export const COMPARE: { readonly [K in CompareOp]: DeviceFunction } = {
  equal: 'equal',
  notEqual: 'notEqual',
  less: 'less',
  lessEqual: 'lessEqual',
  greater: 'greater',
  greaterEqual: 'greaterEqual',
};
