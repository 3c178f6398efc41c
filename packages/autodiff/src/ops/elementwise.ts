/** @file Elementwise primitives: unary maths, broadcasting arithmetic, comparisons, where, cast. */
import type { BinaryOp, CompareOp, DType, UnaryOp } from '@tapenet/kernels';
import type { Tensor } from '../tensor.js';
import type { OpName } from './attrs.js';
import { call, defineOp, nonDifferentiable, type OpDef } from './def.js';
import { unbroadcast } from './movement.js';
import { checkDType } from '../validate.js';
import {
  broadcastOrThrow,
  checkFloat,
  checkTensor,
  checkTensorLike,
  commonDType,
  lift,
  type TensorLike,
} from './util.js';

// ---- unary ---------------------------------------------------------------------------------------

type UnaryVjp = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

const unaryDef = <K extends UnaryOp & OpName>(name: K, rule: UnaryVjp): OpDef<K> =>
  defineOp({
    name,
    differentiable: true,
    forward: (k, [x]) => k.unary(name, x!),
    vjp: (g, { inputs: [x], out }) => [rule(g, x!, out)],
  });

const unaryStep = <K extends UnaryOp & OpName>(name: K): OpDef<K> =>
  nonDifferentiable(name, (k, [x]) => k.unary(name, x!));

export const negDef = unaryDef('neg', (g) => neg(g)); // x̄ = -ȳ
export const absDef = unaryDef('abs', (g, x) => mul(g, sign(x))); // x̄ = ȳ·sign(x), 0 at the kink
export const expDef = unaryDef('exp', (g, _x, y) => mul(g, y)); // x̄ = ȳ·eˣ
export const expm1Def = unaryDef('expm1', (g, _x, y) => mul(g, add(y, 1))); // x̄ = ȳ·(y + 1)
export const logDef = unaryDef('log', (g, x) => div(g, x)); // x̄ = ȳ/x
export const log1pDef = unaryDef('log1p', (g, x) => div(g, add(x, 1))); // x̄ = ȳ/(1 + x)
export const sqrtDef = unaryDef('sqrt', (g, _x, y) => div(g, mul(y, 2))); // x̄ = ȳ/(2√x)
export const rsqrtDef = unaryDef('rsqrt', (g, x, y) => mul(g, div(mul(y, -0.5), x))); // x̄ = -ȳ·y/(2x)
export const squareDef = unaryDef('square', (g, x) => mul(g, mul(x, 2))); // x̄ = 2xȳ
export const reciprocalDef = unaryDef('reciprocal', (g, _x, y) => neg(mul(g, square(y)))); // x̄ = -ȳ/x²
export const sinDef = unaryDef('sin', (g, x) => mul(g, cos(x))); // x̄ = ȳ·cos x
export const cosDef = unaryDef('cos', (g, x) => neg(mul(g, sin(x)))); // x̄ = -ȳ·sin x
export const tanhDef = unaryDef('tanh', (g, _x, y) => mul(g, sub(1, square(y)))); // x̄ = ȳ(1 - y²)
export const sigmoidDef = unaryDef('sigmoid', (g, _x, y) => mul(g, mul(y, sub(1, y)))); // x̄ = ȳ·y(1 - y)
// x̄ = ȳ·[x > 0], 0 at x = 0; y = relu(x) is non-zero exactly where x > 0, so one `where` on the saved
// output replaces a compare and a multiply (one kernel call, not two, on the largest activations).
export const reluDef = unaryDef('relu', (g, _x, y) => where(y, g, 0));
/** `2/√π`, the slope of erf at 0. */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
export const erfDef = unaryDef('erf', (g, x) => mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))); // x̄ = ȳ·(2/√π)e^{−x²}
export const erfcDef = unaryDef('erfc', (g, x) => mul(g, mul(exp(neg(square(x))), -TWO_OVER_SQRT_PI))); // x̄ = −ȳ·(2/√π)e^{−x²}
export const signDef = unaryStep('sign');
export const floorDef = unaryStep('floor');
export const ceilDef = unaryStep('ceil');
export const roundDef = unaryStep('round');

function unary(def: OpDef<UnaryOp & OpName>, x: Tensor): Tensor {
  checkTensor(def.name, 'x', x);
  checkFloat(def.name, 'x', x);
  return call(def, [x], {});
}

/** `-x` */ export const neg = (x: Tensor): Tensor => unary(negDef, x);
/** `|x|` */ export const abs = (x: Tensor): Tensor => unary(absDef, x);
/** `sign(x)` ∈ {-1, 0, 1}; no gradient. */ export const sign = (x: Tensor): Tensor => unary(signDef, x);
/** `eˣ` */ export const exp = (x: Tensor): Tensor => unary(expDef, x);
/** `eˣ - 1`, accurate near 0. */ export const expm1 = (x: Tensor): Tensor => unary(expm1Def, x);
/** Natural log. */ export const log = (x: Tensor): Tensor => unary(logDef, x);
/** `log(1 + x)`, accurate near 0. */ export const log1p = (x: Tensor): Tensor => unary(log1pDef, x);
/** `√x` */ export const sqrt = (x: Tensor): Tensor => unary(sqrtDef, x);
/** `1/√x` */ export const rsqrt = (x: Tensor): Tensor => unary(rsqrtDef, x);
/** `x²` */ export const square = (x: Tensor): Tensor => unary(squareDef, x);
/** `1/x` */ export const reciprocal = (x: Tensor): Tensor => unary(reciprocalDef, x);
/** `sin x` */ export const sin = (x: Tensor): Tensor => unary(sinDef, x);
/** `cos x` */ export const cos = (x: Tensor): Tensor => unary(cosDef, x);
/** `tanh x` */ export const tanh = (x: Tensor): Tensor => unary(tanhDef, x);
/** `σ(x) = 1/(1 + e⁻ˣ)`, stable for large |x|. */ export const sigmoid = (x: Tensor): Tensor => unary(sigmoidDef, x);
/** `max(x, 0)`; its derivative at 0 is taken as 0. */ export const relu = (x: Tensor): Tensor => unary(reluDef, x);
/** The error function `2/√π ∫₀ˣ e^{−t²} dt`, to a few ulps (Cody's rational approximations). */
export const erf = (x: Tensor): Tensor => unary(erfDef, x);
/** `1 − erf(x)`, computed directly: accurate in the tail, where `1 − erf(x)` would cancel (erfc(10) ≈ 2.1e-45). */
export const erfc = (x: Tensor): Tensor => unary(erfcDef, x);
/** Round down; no gradient. */ export const floor = (x: Tensor): Tensor => unary(floorDef, x);
/** Round up; no gradient. */ export const ceil = (x: Tensor): Tensor => unary(ceilDef, x);
/** Round half to even; no gradient. */ export const round = (x: Tensor): Tensor => unary(roundDef, x);

// ---- binary --------------------------------------------------------------------------------------

type BinaryVjp = (
  g: Tensor,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  needs: readonly boolean[],
) => [Tensor | null, Tensor | null];

const binaryDef = <K extends BinaryOp & OpName>(name: K, rule: BinaryVjp): OpDef<K> =>
  defineOp({
    name,
    differentiable: true,
    forward: (k, [a, b]) => k.binary(name, a!, b!),
    vjp: (g, { inputs: [a, b], out, needs }) => {
      const [ga, gb] = rule(g, a!, b!, out, needs);
      return [ga && unbroadcast(ga, a!.shape), gb && unbroadcast(gb, b!.shape)];
    },
  });

/** Where a wins a max (1), ties (½) or loses (0): ties split the gradient evenly, as in tinygrad. */
const winMask = (a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor =>
  add(wins(a, b), mul(equal(a, b), 0.5));

export const addDef = binaryDef('add', (g) => [g, g]); // ā = ȳ, b̄ = ȳ
// ā = ȳ, b̄ = -ȳ: negated after summing over b's broadcast axes, so a broadcast b (a bias, a batch mean)
// negates its own few elements rather than all of ȳ's.
export const subDef = defineOp({
  name: 'sub',
  differentiable: true,
  forward: (k, [a, b]) => k.binary('sub', a!, b!),
  vjp: (g, { inputs: [a, b], needs }) => [
    needs[0] ? unbroadcast(g, a!.shape) : null,
    needs[1] ? neg(unbroadcast(g, b!.shape)) : null,
  ],
});
export const mulDef = binaryDef('mul', (g, a, b) => [mul(g, b), mul(g, a)]); // ā = ȳb, b̄ = ȳa
export const divDef = binaryDef('div', (g, _a, b, y) => [div(g, b), neg(div(mul(g, y), b))]); // ā = ȳ/b, b̄ = -ȳ·y/b
// y = aᵇ: ā = ȳ·b·aᵇ⁻¹, b̄ = ȳ·y·log a (only computed when b needs it, since log a is NaN for a < 0)
export const powDef = binaryDef('pow', (g, a, b, y, needs) => [
  needs[0] ? mul(g, mul(b, pow(a, sub(b, 1)))) : null,
  needs[1] ? mul(g, mul(y, log(a))) : null,
]);
export const maximumDef = binaryDef('maximum', (g, a, b) => {
  const m = winMask(a, b, greater);
  return [mul(g, m), mul(g, sub(1, m))];
});
export const minimumDef = binaryDef('minimum', (g, a, b) => {
  const m = winMask(a, b, less);
  return [mul(g, m), mul(g, sub(1, m))];
});

function binary(def: OpDef<BinaryOp & OpName>, a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike(def.name, 'a', a);
  checkTensorLike(def.name, 'b', b);
  const dtype = commonDType(def.name, a, b);
  const ta = lift(a, dtype);
  const tb = lift(b, dtype);
  broadcastOrThrow(def.name, ta.shape, tb.shape);
  return call(def, [ta, tb], {});
}

/** `a + b` with broadcasting. */ export const add = (a: TensorLike, b: TensorLike): Tensor => binary(addDef, a, b);
/** `a - b` with broadcasting. */ export const sub = (a: TensorLike, b: TensorLike): Tensor => binary(subDef, a, b);
/** `a · b` elementwise, with broadcasting. */ export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binary(mulDef, a, b);
/** `a / b` with broadcasting. */ export const div = (a: TensorLike, b: TensorLike): Tensor => binary(divDef, a, b);
/** `aᵇ` with broadcasting. */ export const pow = (a: TensorLike, b: TensorLike): Tensor => binary(powDef, a, b);
/** Elementwise max; on ties each side gets half the gradient. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary(maximumDef, a, b);
/** Elementwise min; on ties each side gets half the gradient. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary(minimumDef, a, b);

// ---- comparisons, where, cast ---------------------------------------------------------------------

const compareDef = <K extends CompareOp & OpName>(name: K): OpDef<K> =>
  nonDifferentiable(name, (k, [a, b]) => k.compare(name, a!, b!));

export const equalDef = compareDef('equal');
export const notEqualDef = compareDef('notEqual');
export const lessDef = compareDef('less');
export const lessEqualDef = compareDef('lessEqual');
export const greaterDef = compareDef('greater');
export const greaterEqualDef = compareDef('greaterEqual');

function compare(def: OpDef<CompareOp & OpName>, a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike(def.name, 'a', a);
  checkTensorLike(def.name, 'b', b);
  const dtype = commonDType(def.name, a, b);
  const ta = lift(a, dtype);
  const tb = lift(b, dtype);
  broadcastOrThrow(def.name, ta.shape, tb.shape);
  return call(def, [ta, tb], {});
}

/** 1 where `a = b`, else 0 (in the inputs' dtype); no gradient. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => compare(equalDef, a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare(notEqualDef, a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => compare(lessDef, a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare(lessEqualDef, a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare(greaterDef, a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare(greaterEqualDef, a, b);

// where(c, a, b): ā = where(c, ȳ, 0), b̄ = where(c, 0, ȳ); the condition gets no gradient
export const whereDef = defineOp({
  name: 'where',
  differentiable: true,
  forward: (k, [c, a, b]) => k.where(c!, a!, b!),
  vjp: (g, { inputs: [c, a, b], needs }) => {
    const zero = lift(0, g.dtype);
    return [
      null,
      needs[1] ? unbroadcast(where(c!, g, zero), a!.shape) : null,
      needs[2] ? unbroadcast(where(c!, zero, g), b!.shape) : null,
    ];
  },
});

/** `cond ≠ 0 ? a : b` elementwise, all three broadcast together. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond);
  checkTensorLike('where', 'a', a);
  checkTensorLike('where', 'b', b);
  const dtype = commonDType('where', a, b);
  const ta = lift(a, dtype);
  const tb = lift(b, dtype);
  broadcastOrThrow('where', broadcastOrThrow('where', cond.shape, ta.shape), tb.shape);
  return call(whereDef, [cond, ta, tb], {});
}

// cast: float ↔ float passes the gradient through (cast back); to or from int32 there is none
export const castDef = defineOp({
  name: 'cast',
  differentiable: true,
  forward: (k, [x], { dtype }) => k.cast(x!, dtype),
  vjp: (g, { inputs: [x] }) => [g.dtype === 'int32' || x!.dtype === 'int32' ? null : cast(g, x!.dtype)],
});

/** Converts to `dtype` (float → int32 truncates toward zero). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'x', x);
  checkDType('cast', 'dtype', dtype);
  return x.dtype === dtype ? x : call(castDef, [x], { dtype });
}

// identity: a new tensor (same data) for a new identity on the tape; x̄ = ȳ
export const identityDef = defineOp({
  name: 'identity',
  differentiable: true,
  forward: (_k, [x]) => x!,
  vjp: (g) => [g],
});

/** The same values under a new identity (used by `grad` to give each level its own inputs). */
export const identity = (x: Tensor): Tensor => call(identityDef, [checkTensor('identity', 'x', x)], {});
