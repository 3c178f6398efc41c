/**
 * @file The GEMM driver: a 4x8 register-blocked f32x4 micro-kernel over packed panels, cache blocking
 * (KC x MC blocks of A in L2, KC x 8 slivers of B in L1), and the tile function the thread pool calls.
 *
 * One tile is an MT x NT block of C (of one batch entry `g`, and of one K chunk `r` when K is split into
 * partial sums). Inside a tile: for each KC slice of K, pack B's KC x NT panel, then for each MC block of
 * rows pack A's MC x KC block and run the micro-kernel over every 4x8 block. Packing reads A and B
 * through an operand kind (pack.ts), so matmul and all three conv passes share this one driver.
 *
 * Packed A: per 4-row block, KC groups of 4 floats (rows i..i+3 at one k). Packed B: per 8-column chunk,
 * KC groups of 8 floats. Edge blocks are zero-padded, so the micro-kernel always runs a full 4x8 block and
 * partial blocks go through a small buffer.
 *
 * Where C goes is the target block at SCR_TARGET of the thread's scratch (layout.ts: T_*), written by
 * the caller for each tile and read into locals once per gemmRange: it lives in the thread's own scratch,
 * so threads never share it, and nothing passes through module globals.
 */
import { packA, packB } from './pack';
import { at, ld } from './mem';
import {
  CV_HO,
  CV_O,
  CV_OG,
  CV_WO,
  G_ACC,
  G_C,
  G_C_BSTRIDE,
  G_C_KIND,
  G_C_LD,
  G_C_RSTRIDE,
  G_CONV,
  G_K,
  G_KC,
  G_M,
  G_MC,
  G_MT,
  G_N,
  G_NT,
  G_R,
  G_RLEN,
  G_TILES_M,
  G_TILES_N,
  OP_STRIDED,
  SCR_LANES,
  SCR_TARGET,
  SCR_TMP,
  SCRATCH_HEAD,
  T_BASE,
  T_I0,
  T_J0,
  T_KIND,
  T_LD,
} from '../src/wasm/layout';

/** Bytes at the start of each thread's scratch (see layout.ts). */
const HEAD: usize = <usize>SCRATCH_HEAD;

/**
 * `c + a·b` per lane: one fused multiply-add where the module is built with relaxed SIMD (the engine
 * then fuses or not, as the CPU allows), else a multiply and an add. -O3 inlines it (checked in the
 * text format: no call is left in the micro-kernel).
 */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The micro-kernel: `C[rows x 8] (+)= Ap[4 x kc] · Bp[kc x 8]` with C rows `ldc` bytes apart; rows past
 * `rows` (1 to 4) are computed (packed A is zero there) but neither read nor written, so a block at the
 * bottom edge of C needs no detour through a buffer. Eight f32x4
 * accumulators, two B vectors and one broadcast A value stay in registers (x86 has 16 xmm registers;
 * wider blocks spilled in measurements).
 */
function micro(kc: i32, a: usize, b: usize, c: usize, ldc: usize, acc: bool, rows: i32): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  const end = b + ((<usize>kc) << 5);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    a += 16;
    b += 32;
  }
  const r1 = c + ldc;
  const r2 = r1 + ldc;
  const r3 = r2 + ldc;
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  if (rows < 2) return;
  if (acc) {
    c10 = f32x4.add(c10, v128.load(r1));
    c11 = f32x4.add(c11, v128.load(r1, 16));
  }
  v128.store(r1, c10);
  v128.store(r1, c11, 16);
  if (rows < 3) return;
  if (acc) {
    c20 = f32x4.add(c20, v128.load(r2));
    c21 = f32x4.add(c21, v128.load(r2, 16));
  }
  v128.store(r2, c20);
  v128.store(r2, c21, 16);
  if (rows < 4) return;
  if (acc) {
    c30 = f32x4.add(c30, v128.load(r3));
    c31 = f32x4.add(c31, v128.load(r3, 16));
  }
  v128.store(r3, c30);
  v128.store(r3, c31, 16);
}

/**
 * Runs the micro-kernel for one C block of `mr` x `nr` valid entries at `cp` (rows `ld` floats apart) and
 * stores or adds it; blocks with fewer than 8 columns go through the 4x8 buffer `tmp`.
 */
function blockAt(kc: i32, ap: usize, bp: usize, cp: usize, ld: i32, mr: i32, nr: i32, acc: bool, tmp: usize): void {
  const ldb = (<usize>ld) << 2;
  if (nr === 8) {
    micro(kc, ap, bp, cp, ldb, acc, mr);
    return;
  }
  micro(kc, ap, bp, tmp, 32, false, 4);
  for (let r = 0; r < mr; r++) {
    for (let l = 0; l < nr; l++) {
      const v = load<f32>(tmp + r * 32 + l * 4);
      const p = cp + <usize>r * ldb + ((<usize>l) << 2);
      store<f32>(p, acc ? load<f32>(p) + v : v);
    }
  }
}

/**
 * A C block of the conv output y `[N, O, S]` whose 8 columns cross an image boundary: element (r, l)
 * lands at `y[n, ch + r, s]` with (n, s) advancing from column j.
 */
function blockScatter(
  kc: i32,
  ap: usize,
  bp: usize,
  y: usize,
  O: i32,
  S: i32,
  ch: i32,
  j: i32,
  mr: i32,
  nr: i32,
  acc: bool,
  tmp: usize,
): void {
  micro(kc, ap, bp, tmp, 32, false, 4);
  let n = j / S;
  let s = j - n * S;
  for (let l = 0; l < nr; l++) {
    for (let r = 0; r < mr; r++) {
      const v = load<f32>(tmp + r * 32 + l * 4);
      const p = at(y, (n * O + ch + r) * S + s);
      store<f32>(p, acc ? load<f32>(p) + v : v);
    }
    if (++s === S) {
      s = 0;
      n++;
    }
  }
}

/**
 * `C[i0:i0+m, j0:j0+n] (+)= A[i0:i0+m, p0:p0+k] · B[p0:p0+k, j0:j0+n]` for batch entry (or group) g,
 * into the target block at `scratch + SCR_TARGET` (set by the caller). `accumulate` adds to C instead of
 * overwriting it. With k <= 0 the loop runs once with kc = 0, and the micro-kernel stores zero blocks (a
 * product of no terms).
 */
export function gemmRange(
  d: usize,
  g: i32,
  i0: i32,
  m: i32,
  j0: i32,
  n: i32,
  p0: i32,
  k: i32,
  accumulate: bool,
  scratch: usize,
): void {
  if (k <= 0 && accumulate) return;
  const KC = ld(d, G_KC);
  const MC = ld(d, G_MC);
  const tmp = scratch + SCR_TMP;
  const lanes = scratch + SCR_LANES;
  const ap = scratch + HEAD;
  const bp = ap + ((<usize>MC * <usize>KC) << 2);
  const target = scratch + SCR_TARGET;
  const strided = ld(target, T_KIND) === OP_STRIDED;
  const cBase = <usize>ld(target, T_BASE);
  const cLd = ld(target, T_LD);
  const cI0 = ld(target, T_I0);
  const cJ0 = ld(target, T_J0);
  // OP_CM: pixels per image, channels of y, and the first channel of this group's rows.
  let cmS = 0;
  let cmO = 0;
  let cmRow0 = 0;
  if (!strided) {
    const cv = <usize>ld(d, G_CONV);
    cmS = ld(cv, CV_HO) * ld(cv, CV_WO);
    cmO = ld(cv, CV_O);
    cmRow0 = g * ld(cv, CV_OG) + i0;
  }
  const kTotal = max<i32>(k, 0);
  let pc = 0;
  do {
    const kc = min<i32>(KC, kTotal - pc);
    if (kc > 0) packB(d, g, p0 + pc, kc, j0, n, bp, lanes);
    const acc = accumulate || pc > 0;
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min<i32>(MC, m - ic);
      if (kc > 0) packA(d, g, i0 + ic, mc, p0 + pc, kc, ap);
      for (let jr = 0; jr < n; jr += 8) {
        const nr = min<i32>(8, n - jr);
        const j = j0 + jr;
        const bs = bp + ((<usize>jr * <usize>kc) << 2);
        // Where row i0+ic of this column chunk starts and the row stride, or -1 when it must scatter.
        let cp: usize = 0;
        let ldc = -1;
        if (strided) {
          cp = at(cBase, (i0 + ic - cI0) * cLd + (j - cJ0));
          ldc = cLd;
        } else {
          const img = j / cmS;
          const s = j - img * cmS;
          if (s + nr <= cmS) {
            cp = at(cBase, (img * cmO + cmRow0 + ic) * cmS + s);
            ldc = cmS;
          }
        }
        for (let ir = 0; ir < mc; ir += 4) {
          const as = ap + ((<usize>ir * <usize>kc) << 2);
          const mr = min<i32>(4, mc - ir);
          if (ldc >= 0) blockAt(kc, as, bs, cp + ((<usize>ir * <usize>ldc) << 2), ldc, mr, nr, acc, tmp);
          else blockScatter(kc, as, bs, cBase, cmO, cmS, cmRow0 + ic + ir, j, mr, nr, acc, tmp);
        }
      }
    }
    pc += KC;
  } while (pc < kTotal);
}

/**
 * Points the target block of the thread whose scratch is at `scratch` at a strided matrix whose element
 * (i, j) is at `base + ((i-i0)*ldc + j-j0)*4`.
 */
export function setStridedTarget(scratch: usize, base: usize, ldc: i32, i0: i32, j0: i32): void {
  const target = scratch + SCR_TARGET;
  store<i32>(target + T_KIND * 4, OP_STRIDED);
  store<i32>(target + T_BASE * 4, <i32>base);
  store<i32>(target + T_LD * 4, ldc);
  store<i32>(target + T_I0 * 4, i0);
  store<i32>(target + T_J0 * 4, j0);
}

/** One tile of a JOB_GEMM: decodes (g, r, tm, tn) from `t` and runs its block of C. */
export function gemmTile(d: usize, t: i32, scratch: usize): void {
  const tilesN = ld(d, G_TILES_N);
  const tilesM = ld(d, G_TILES_M);
  const R = ld(d, G_R);
  let q = t;
  const tn = q % tilesN;
  q /= tilesN;
  const tm = q % tilesM;
  q /= tilesM;
  const r = q % R;
  const g = q / R;
  const MT = ld(d, G_MT);
  const NT = ld(d, G_NT);
  const RLEN = ld(d, G_RLEN);
  const i0 = tm * MT;
  const j0 = tn * NT;
  const p0 = r * RLEN;
  const m = min<i32>(MT, ld(d, G_M) - i0);
  const n = min<i32>(NT, ld(d, G_N) - j0);
  const k = min<i32>(RLEN, ld(d, G_K) - p0);
  const kind = ld(d, G_C_KIND);
  if (kind === OP_STRIDED) {
    const off = g * ld(d, G_C_BSTRIDE) + r * ld(d, G_C_RSTRIDE);
    setStridedTarget(scratch, at(<usize>ld(d, G_C), off), ld(d, G_C_LD), 0, 0);
  } else {
    store<i32>(scratch + SCR_TARGET + T_KIND * 4, kind);
    store<i32>(scratch + SCR_TARGET + T_BASE * 4, ld(d, G_C));
  }
  gemmRange(d, g, i0, m, j0, n, p0, k, ld(d, G_ACC) !== 0, scratch);
}
