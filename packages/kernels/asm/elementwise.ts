/**
 * @file Elementwise kernels: unary ops, binary and compare ops with NumPy broadcasting, and `where`.
 *
 * A tile is a run of `E_CHUNK` output elements (the output is contiguous). Broadcast inputs are walked
 * through per-dimension strides over a rank-6 shape (a stride of 0 repeats an element); each row segment of
 * the innermost dim is processed in blocks of up to 256 elements: an input with inner stride 1 is read in
 * place, a repeated one is splatted into a scratch block and any other stride is gathered into one, so
 * the op loops always see contiguous operands. Ops without a vector form (pow, expm1, log, log1p, sin,
 * cos) run per lane in float64 and round once, as the reference does.
 */
import { at, ld } from './mem';
import {
  BIN_ADD,
  BIN_DIV,
  BIN_EQ,
  BIN_GE,
  BIN_GT,
  BIN_LE,
  BIN_LT,
  BIN_MAX,
  BIN_MIN,
  BIN_MUL,
  BIN_NE,
  BIN_POW,
  BIN_SUB,
  BIN_WHERE,
  E_A,
  E_B,
  E_C,
  E_CHUNK,
  E_LEN,
  E_OP,
  E_OUT,
  E_RANK,
  E_SA,
  E_SB,
  E_SC,
  E_SHAPE,
  UN_ABS,
  UN_CEIL,
  UN_COS,
  UN_EXP,
  UN_EXPM1,
  UN_FLOOR,
  UN_LOG,
  UN_LOG1P,
  UN_NEG,
  UN_RECIPROCAL,
  UN_RELU,
  UN_ROUND,
  UN_RSQRT,
  UN_SIGMOID,
  UN_SIGN,
  UN_SIN,
  UN_SQRT,
  UN_SQUARE,
  UN_TANH,
} from '../src/wasm/layout';
import { vexp, vsigmoid, vtanh } from './simd-math';

const BLOCK: i32 = 256;

/** `y = op(x)` on one vector. */
function unaryVec(op: i32, x: v128): v128 {
  switch (op) {
    case UN_NEG:
      return f32x4.neg(x);
    case UN_ABS:
      return f32x4.abs(x);
    case UN_SIGN: {
      const neg = v128.bitselect(f32x4.splat(-1), x, f32x4.lt(x, f32x4.splat(0)));
      return v128.bitselect(f32x4.splat(1), neg, f32x4.gt(x, f32x4.splat(0)));
    }
    case UN_EXP:
      return vexp(x);
    case UN_SQRT:
      return f32x4.sqrt(x);
    case UN_RSQRT:
      return f32x4.div(f32x4.splat(1), f32x4.sqrt(x));
    case UN_SQUARE:
      return f32x4.mul(x, x);
    case UN_RECIPROCAL:
      return f32x4.div(f32x4.splat(1), x);
    case UN_TANH:
      return vtanh(x);
    case UN_SIGMOID:
      return vsigmoid(x);
    case UN_RELU:
      return f32x4.max(x, f32x4.splat(0));
    case UN_FLOOR:
      return f32x4.floor(x);
    case UN_CEIL:
      return f32x4.ceil(x);
    case UN_ROUND:
      return f32x4.nearest(x);
    default:
      return f32x4(
        unaryScalar(op, f32x4.extract_lane(x, 0)),
        unaryScalar(op, f32x4.extract_lane(x, 1)),
        unaryScalar(op, f32x4.extract_lane(x, 2)),
        unaryScalar(op, f32x4.extract_lane(x, 3)),
      );
  }
}

/** The ops computed per lane in float64. */
function unaryScalar(op: i32, v: f32): f32 {
  const x = <f64>v;
  switch (op) {
    case UN_EXPM1:
      return <f32>Math.expm1(x);
    case UN_LOG:
      return <f32>Math.log(x);
    case UN_LOG1P:
      return <f32>Math.log1p(x);
    case UN_SIN:
      return <f32>Math.sin(x);
    case UN_COS:
      return <f32>Math.cos(x);
    default:
      return <f32>NaN;
  }
}

/** Whether `op` is one of the per-lane float64 ops (a scalar loop then beats building vectors). */
function isScalarUnary(op: i32): bool {
  return op === UN_EXPM1 || op === UN_LOG || op === UN_LOG1P || op === UN_SIN || op === UN_COS;
}

/** `dst[i] = op(src[i])` for i in [0, n); the last partial vector goes through `tmp` (16 bytes). */
function unaryRun(op: i32, src: usize, dst: usize, n: i32, tmp: usize): void {
  let i = 0;
  if (isScalarUnary(op)) {
    for (; i < n; i++) store<f32>(at(dst, i), unaryScalar(op, load<f32>(at(src, i))));
    return;
  }
  // One loop per common op keeps the switch out of the hot loop.
  if (op === UN_RELU) {
    const z = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.max(v128.load(at(src, i)), z));
  } else if (op === UN_EXP) {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), vexp(v128.load(at(src, i))));
  } else {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), unaryVec(op, v128.load(at(src, i))));
  }
  if (i < n) {
    v128.store(tmp, f32x4.splat(0));
    memory.copy(tmp, at(src, i), (<usize>(n - i)) << 2);
    v128.store(tmp, unaryVec(op, v128.load(tmp)));
    memory.copy(at(dst, i), tmp, (<usize>(n - i)) << 2);
  }
}

/** One JOB_UNARY tile. */
export function unaryTile(d: usize, t: i32, scratch: usize): void {
  const chunk = ld(d, E_CHUNK);
  const e0 = t * chunk;
  const n = min<i32>(chunk, ld(d, E_LEN) - e0);
  unaryRun(ld(d, E_OP), at(<usize>ld(d, E_A), e0), at(<usize>ld(d, E_OUT), e0), n, scratch);
}

/** `op(a, b)` on one vector (`c` is the condition of `where`). */
function binaryVec(op: i32, a: v128, b: v128, c: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case BIN_ADD:
      return f32x4.add(a, b);
    case BIN_SUB:
      return f32x4.sub(a, b);
    case BIN_MUL:
      return f32x4.mul(a, b);
    case BIN_DIV:
      return f32x4.div(a, b);
    case BIN_MAX:
      return f32x4.max(a, b);
    case BIN_MIN:
      return f32x4.min(a, b);
    case BIN_EQ:
      return v128.and(f32x4.eq(a, b), one);
    case BIN_NE:
      return v128.and(f32x4.ne(a, b), one);
    case BIN_LT:
      return v128.and(f32x4.lt(a, b), one);
    case BIN_LE:
      return v128.and(f32x4.le(a, b), one);
    case BIN_GT:
      return v128.and(f32x4.gt(a, b), one);
    case BIN_GE:
      return v128.and(f32x4.ge(a, b), one);
    case BIN_WHERE:
      return v128.bitselect(a, b, f32x4.ne(c, f32x4.splat(0)));
    default:
      return f32x4(
        <f32>NativeMath.pow(<f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(b, 0)),
        <f32>NativeMath.pow(<f64>f32x4.extract_lane(a, 1), <f64>f32x4.extract_lane(b, 1)),
        <f32>NativeMath.pow(<f64>f32x4.extract_lane(a, 2), <f64>f32x4.extract_lane(b, 2)),
        <f32>NativeMath.pow(<f64>f32x4.extract_lane(a, 3), <f64>f32x4.extract_lane(b, 3)),
      );
  }
}

/** `dst[i] = op(a[i], b[i])` (with `c[i]` for where) for i in [0, n), all contiguous. */
function binaryRun(op: i32, a: usize, b: usize, c: usize, dst: usize, n: i32, tmp: usize): void {
  let i = 0;
  if (op === BIN_ADD) {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
  } else if (op === BIN_MUL) {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  } else if (op === BIN_SUB) {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.sub(v128.load(at(a, i)), v128.load(at(b, i))));
  } else if (op === BIN_POW) {
    for (; i < n; i++) store<f32>(at(dst, i), <f32>NativeMath.pow(<f64>load<f32>(at(a, i)), <f64>load<f32>(at(b, i))));
  } else if (op === BIN_WHERE) {
    // Written out rather than through binaryVec, which -O3 leaves as a call with a switch per vector.
    const z = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const keep = f32x4.ne(v128.load(at(c, i)), z);
      v128.store(at(dst, i), v128.bitselect(v128.load(at(a, i)), v128.load(at(b, i)), keep));
    }
  } else {
    const z = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), binaryVec(op, v128.load(at(a, i)), v128.load(at(b, i)), z));
  }
  if (i < n) {
    const bytes = (<usize>(n - i)) << 2;
    v128.store(tmp, f32x4.splat(0));
    v128.store(tmp, f32x4.splat(0), 16);
    v128.store(tmp, f32x4.splat(0), 32);
    memory.copy(tmp, at(a, i), bytes);
    memory.copy(tmp + 16, at(b, i), bytes);
    if (op === BIN_WHERE) memory.copy(tmp + 32, at(c, i), bytes);
    v128.store(tmp, binaryVec(op, v128.load(tmp), v128.load(tmp, 16), v128.load(tmp, 32)));
    memory.copy(at(dst, i), tmp, bytes);
  }
}

/**
 * A contiguous view of `len` elements of an operand starting at `src` with element stride `stride`: the
 * source itself when stride is 1, else a copy in `buf` (one value splatted when stride is 0).
 */
function operand(src: usize, stride: i32, len: i32, buf: usize): usize {
  if (stride === 1) return src;
  if (stride === 0) {
    const v = v128.load32_splat(src);
    for (let i = 0; i < len; i += 4) v128.store(at(buf, i), v);
    return buf;
  }
  for (let i = 0; i < len; i++) store<f32>(at(buf, i), load<f32>(at(src, i * stride)));
  return buf;
}

/** One JOB_BINARY tile (binary ops, compare ops and where). */
export function binaryTile(d: usize, t: i32, scratch: usize): void {
  const op = ld(d, E_OP);
  const chunk = ld(d, E_CHUNK);
  const e0 = t * chunk;
  const e1 = min<i32>(e0 + chunk, ld(d, E_LEN));
  const out = <usize>ld(d, E_OUT);
  const A = <usize>ld(d, E_A);
  const B = <usize>ld(d, E_B);
  const Cc = <usize>ld(d, E_C);
  const last = E_RANK - 1;
  const inner = ld(d, E_SHAPE + last);
  const sa = ld(d, E_SA + last);
  const sb = ld(d, E_SB + last);
  const sc = ld(d, E_SC + last);
  const tmp = scratch;
  const bufA = scratch + 64;
  const bufB = bufA + ((<usize>BLOCK) << 2);
  const bufC = bufB + ((<usize>BLOCK) << 2);
  let e = e0;
  while (e < e1) {
    // Coordinates of e: offsets of each operand at the start of its row, and the position in the row.
    let row = e / inner;
    const k0 = e - row * inner;
    let oa = k0 * sa;
    let ob = k0 * sb;
    let oc = k0 * sc;
    for (let dim = last - 1; dim >= 0; dim--) {
      const size = ld(d, E_SHAPE + dim);
      const idx = row % size;
      row /= size;
      oa += idx * ld(d, E_SA + dim);
      ob += idx * ld(d, E_SB + dim);
      oc += idx * ld(d, E_SC + dim);
    }
    const segEnd = min<i32>(e1, e - k0 + inner);
    while (e < segEnd) {
      const len = min<i32>(BLOCK, segEnd - e);
      const pa = operand(at(A, oa), sa, len, bufA);
      const pb = operand(at(B, ob), sb, len, bufB);
      const pc = Cc !== 0 ? operand(at(Cc, oc), sc, len, bufC) : 0;
      binaryRun(op, pa, pb, pc, at(out, e), len, tmp);
      e += len;
      oa += len * sa;
      ob += len * sb;
      oc += len * sc;
    }
  }
}
