/**
 * @file unary, binary, compare and where on the wasm backend. float32 runs in wasm (SIMD, threads for
 * large tensors); float64 and int32 run the reference's JavaScript loops, as documented in the README.
 *
 * Broadcasting is described to wasm as up to six dims with one element stride per operand (0 where the
 * operand repeats): size-1 dims are dropped and neighbouring dims merged while every operand stays
 * contiguous across them, so the common cases (same shape, scalar, bias over channels) collapse to one or
 * two dims.
 */
import type { BinaryOp, CompareOp, Shape, UnaryOp } from '../backend.js';
import { sizeOf, stridesOf } from '../shape.js';
import { broadcastAll, checkSameDtype } from '../validate.js';
import { elementwiseInto } from '../reference/elementwise.js';
import { asReference, type Ctx, check, empty, view, type WTensor } from './context.js';
import * as L from './layout.js';

/** The wasm module's code per op; `null`: computed by the reference's float64 JavaScript for every dtype. */
const UNARY: { readonly [K in UnaryOp]: number | null } = {
  neg: L.UN_NEG,
  abs: L.UN_ABS,
  sign: L.UN_SIGN,
  exp: L.UN_EXP,
  expm1: L.UN_EXPM1,
  log: L.UN_LOG,
  log1p: L.UN_LOG1P,
  sqrt: L.UN_SQRT,
  rsqrt: L.UN_RSQRT,
  square: L.UN_SQUARE,
  reciprocal: L.UN_RECIPROCAL,
  sin: L.UN_SIN,
  cos: L.UN_COS,
  tanh: L.UN_TANH,
  sigmoid: L.UN_SIGMOID,
  relu: L.UN_RELU,
  floor: L.UN_FLOOR,
  ceil: L.UN_CEIL,
  round: L.UN_ROUND,
  // Cody's rational approximations in float64, rounded once on store: exact float32 results, and too
  // rarely on a hot path (gelu, erf layers) to earn a SIMD port.
  erf: null,
  erfc: null,
};

const BINARY: { readonly [K in BinaryOp | CompareOp]: number } = {
  add: L.BIN_ADD,
  sub: L.BIN_SUB,
  mul: L.BIN_MUL,
  div: L.BIN_DIV,
  pow: L.BIN_POW,
  maximum: L.BIN_MAX,
  minimum: L.BIN_MIN,
  equal: L.BIN_EQ,
  notEqual: L.BIN_NE,
  less: L.BIN_LT,
  lessEqual: L.BIN_LE,
  greater: L.BIN_GT,
  greaterEqual: L.BIN_GE,
};

/** Ops computed per lane in float64 in wasm (several ns each rather than a fraction). */
const SLOW = new Set<UnaryOp>(['expm1', 'log', 'log1p', 'sin', 'cos']);

/** `y = op(x)`; float32 in wasm. */
export function unary(ctx: Ctx, op: UnaryOp, x: WTensor): WTensor {
  const code = UNARY[op];
  check(code !== undefined, 'unary', () => `unknown op ${op}`);
  if (x.dtype !== 'float32' || code === null) return ctx.js.unary(op, x);
  const n = sizeOf(x.shape);
  const y = empty(ctx, x.shape);
  if (n === 0) return y;
  const { rt, tune } = ctx;
  rt.begin();
  const px = rt.addr(x.data, 'unary');
  const py = y.data.ptr;
  const d = rt.desc(L.E_WORDS);
  const chunk = Math.max(4, Math.min(tune.chunk, n));
  rt.set(d, L.E_OP, code);
  rt.set(d, L.E_A, px);
  rt.set(d, L.E_OUT, py);
  rt.set(d, L.E_LEN, n);
  rt.set(d, L.E_CHUNK, chunk);
  rt.run(d, L.JOB_UNARY, Math.ceil(n / chunk), 64, n * (SLOW.has(op) ? 10 : 0.5));
  return y;
}

/** Dims (outermost first) and per-operand element strides of a broadcast, collapsed to at most `E_RANK`. */
export interface Walk {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Describes reading each of `shapes` broadcast to `out`: drops size-1 dims, merges a dim into the next
 * inner one when every operand is contiguous across the pair. Returns null when more than `E_RANK` dims
 * remain (only possible for tensors of rank > 6).
 */
export function collapse(shapes: readonly Shape[], out: Shape): Walk | null {
  const rank = out.length;
  const own = shapes.map((s) => {
    const st = stridesOf(s);
    return out.map((_d, a) => {
      const i = a - (rank - s.length);
      return i < 0 || s[i] === 1 ? 0 : st[i]!;
    });
  });
  const shape: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let a = 0; a < rank; a++) {
    const size = out[a]!;
    if (size === 1) continue;
    const last = shape.length - 1;
    const merge = last >= 0 && own.every((st, k) => strides[k]![last] === st[a]! * size);
    if (merge) {
      shape[last]! *= size;
      own.forEach((st, k) => {
        strides[k]![last] = st[a]!;
      });
    } else {
      shape.push(size);
      own.forEach((st, k) => {
        strides[k]!.push(st[a]!);
      });
    }
  }
  if (shape.length > L.E_RANK) return null;
  while (shape.length < L.E_RANK) {
    shape.unshift(1);
    for (const s of strides) s.unshift(0);
  }
  return { shape, strides };
}

/** Runs JOB_BINARY for `op` over a, b (and cond for where), all float32, broadcast together. */
function runBinary(ctx: Ctx, op: number, kernel: string, a: WTensor, b: WTensor, cond?: WTensor): WTensor | null {
  const shapes = cond === undefined ? [a.shape, b.shape] : [cond.shape, a.shape, b.shape];
  const shape = broadcastAll(shapes, kernel, check);
  const n = sizeOf(shape);
  const walk = collapse(shapes, shape);
  if (walk === null) return null;
  const y = empty(ctx, shape);
  if (n === 0) return y;
  const { rt } = ctx;
  rt.begin();
  const at = {
    a: rt.addr(a.data, kernel),
    b: rt.addr(b.data, kernel),
    c: cond === undefined ? 0 : rt.addr(cond.data, kernel),
    out: y.data.ptr,
  };
  binaryJob(ctx, op, walk, cond !== undefined, at, n);
  return y;
}

/**
 * Runs JOB_BINARY `op` on operands already in the arena (addresses in `at`; `at.c` is where's condition,
 * present when `hasCond`) over the `n` outputs that `walk` describes. `out` may be `a` (in place): every
 * output element is read and written by the same lane.
 */
export function binaryJob(
  ctx: Ctx,
  op: number,
  walk: Walk,
  hasCond: boolean,
  at: { readonly a: number; readonly b: number; readonly c: number; readonly out: number },
  n: number,
): void {
  const { rt, tune } = ctx;
  const d = rt.desc(L.E_WORDS);
  const chunk = Math.max(4, Math.min(tune.chunk, n));
  const [sc, sa, sb] = hasCond ? walk.strides : [undefined, ...walk.strides];
  rt.set(d, L.E_OP, op);
  rt.set(d, L.E_A, at.a);
  rt.set(d, L.E_B, at.b);
  rt.set(d, L.E_C, at.c);
  rt.set(d, L.E_OUT, at.out);
  rt.set(d, L.E_LEN, n);
  rt.set(d, L.E_CHUNK, chunk);
  for (let i = 0; i < L.E_RANK; i++) {
    rt.set(d, L.E_SHAPE + i, walk.shape[i]!);
    rt.set(d, L.E_SA + i, sa![i]!);
    rt.set(d, L.E_SB + i, sb![i]!);
    rt.set(d, L.E_SC + i, sc?.[i] ?? 0);
  }
  rt.run(d, L.JOB_BINARY, Math.ceil(n / chunk), 64 + 3 * 1024, n * (op === L.BIN_POW ? 10 : 0.7));
}

/**
 * binary or compare on dtypes wasm does not compute (float64, int32) or ranks it cannot collapse: the
 * reference's loop, writing straight into the output's block (int32 counters such as batch norm's change
 * every step, so this path must not cost a copy).
 */
function inJavaScript(ctx: Ctx, op: BinaryOp | CompareOp, kernel: string, a: WTensor, b: WTensor): WTensor {
  const shape = broadcastAll([a.shape, b.shape], kernel, check);
  const y = empty(ctx, shape, a.dtype);
  const out = view(ctx, y, kernel);
  elementwiseInto(op, asReference(ctx, a, kernel), asReference(ctx, b, kernel), shape, out);
  return y;
}

/** `y = op(a, b)` with broadcasting; float32 in wasm. */
export function binary(ctx: Ctx, op: BinaryOp, a: WTensor, b: WTensor): WTensor {
  const code = BINARY[op];
  check(code !== undefined, 'binary', () => `unknown op ${op}`);
  checkSameDtype(a, b, 'binary', check);
  if (a.dtype !== 'float32') return inJavaScript(ctx, op, 'binary', a, b);
  return runBinary(ctx, code, 'binary', a, b) ?? inJavaScript(ctx, op, 'binary', a, b);
}

/** `y = (a op b) ? 1 : 0` with broadcasting, in the inputs' dtype; float32 in wasm. */
export function compare(ctx: Ctx, op: CompareOp, a: WTensor, b: WTensor): WTensor {
  const code = BINARY[op];
  check(code !== undefined, 'compare', () => `unknown op ${op}`);
  checkSameDtype(a, b, 'compare', check);
  if (a.dtype !== 'float32') return inJavaScript(ctx, op, 'compare', a, b);
  return runBinary(ctx, code, 'compare', a, b) ?? inJavaScript(ctx, op, 'compare', a, b);
}

/** `y = cond ≠ 0 ? a : b`; float32 a and b in wasm, with a cond of any dtype. */
export function where(ctx: Ctx, cond: WTensor, a: WTensor, b: WTensor): WTensor {
  checkSameDtype(a, b, 'where', check);
  if (a.dtype !== 'float32' || cond.dtype !== 'float32') return ctx.js.where(cond, a, b);
  return runBinary(ctx, L.BIN_WHERE, 'where', a, b, cond) ?? ctx.js.where(cond, a, b);
}
