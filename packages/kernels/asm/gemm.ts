/**
 * @file The GEMM engine: a 4x8 register-blocked f32x4 micro-kernel over packed panels, cache blocking
 * (KC x MC blocks of A in L2, KC x 8 slivers of B in L1), and the tile driver the thread pool calls.
 *
 * One tile is an MT x NT block of C (of one batch entry `g`, and of one K chunk `r` when K is split into
 * partial sums). Inside a tile: for each KC slice of K, pack B's KC x NT panel, then for each MC block of
 * rows pack A's MC x KC block and run the micro-kernel over every 4x8 block. Packing reads A and B
 * through an operand kind (strided matrix, implicit im2col of an NCHW image, channel-major view of an
 * NCHW tensor), so matmul and all three conv passes share this one engine.
 *
 * Packed A: per 4-row block, KC groups of 4 floats (rows i..i+3 at one k). Packed B: per 8-column chunk,
 * KC groups of 8 floats. Edge blocks are zero-padded, so the micro-kernel always runs a full 4x8 block and
 * partial blocks go through a small buffer.
 */
import { packCmA, packCmB, packIm2col, packIm2colT } from './conv-pack';
import {
  CV_HO,
  CV_O,
  CV_OG,
  CV_WO,
  G_A,
  G_A_BSTRIDE,
  G_A_BTABLE,
  G_A_CS,
  G_A_KIND,
  G_A_RS,
  G_ACC,
  G_B,
  G_B_BSTRIDE,
  G_B_BTABLE,
  G_B_CS,
  G_B_KIND,
  G_B_RS,
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
  OP_CM,
  OP_IM2COL,
  OP_IM2COL_T,
  OP_STRIDED,
  SCRATCH_HEAD,
} from '../src/wasm/layout';

/** Bytes at the start of each thread's scratch (see layout.ts). */
const HEAD: usize = <usize>SCRATCH_HEAD;

/** This thread's 384-byte table for packers (a global, so per instance: each thread has its own). */
export let laneScratch: usize = 0;

/** Slot `slot` (an i32) of the descriptor or geometry block at `d`. */
export function ld(d: usize, slot: i32): i32 {
  return load<i32>(d + ((<usize>slot) << 2));
}

/** Byte address of float element `e` of the array at `base`. */
export function at(base: usize, e: i32): usize {
  return base + ((<usize>e) << 2);
}

/** Element offset of batch entry `b` of an operand: from its table of offsets, or `b * stride`. */
function batchOffset(d: usize, strideSlot: i32, tableSlot: i32, b: i32): i32 {
  const table = <usize>ld(d, tableSlot);
  return table !== 0 ? load<i32>(table + ((<usize>b) << 2)) : b * ld(d, strideSlot);
}

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

/** 4x4 transpose of rows r0..r3, stored as four consecutive vectors at `dst`, `step` bytes apart. */
export function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** Packs rows `[0, mc)` x k `[0, kc)` of the matrix at `base` (element (i, k) at `i*rs + k*cs`). */
function packStridedA(base: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  const rsb = (<usize>rs) << 2;
  const csb = (<usize>cs) << 2;
  for (let ib = 0; ib < mc; ib += 4) {
    const rows = min<i32>(4, mc - ib);
    const src = base + <usize>ib * rsb;
    const out = dst + ((<usize>ib * <usize>kc) << 2);
    if (rows === 4 && cs === 1) {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + ((<usize>p) << 2);
        transpose4(v128.load(s), v128.load(s + rsb), v128.load(s + 2 * rsb), v128.load(s + 3 * rsb), out + p * 16, 16);
      }
      for (; p < kc; p++) {
        const s = src + ((<usize>p) << 2);
        const o = out + p * 16;
        store<f32>(o, load<f32>(s));
        store<f32>(o, load<f32>(s + rsb), 4);
        store<f32>(o, load<f32>(s + 2 * rsb), 8);
        store<f32>(o, load<f32>(s + 3 * rsb), 12);
      }
    } else if (rows === 4 && rs === 1) {
      for (let p = 0; p < kc; p++) v128.store(out + p * 16, v128.load(src + <usize>p * csb));
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++) {
          const v = r < rows ? load<f32>(src + <usize>r * rsb + <usize>p * csb) : <f32>0;
          store<f32>(out + p * 16 + r * 4, v);
        }
      }
    }
  }
}

/** Packs k `[0, kc)` x columns `[0, nc)` of the matrix at `base` (element (k, j) at `k*rs + j*cs`). */
function packStridedB(base: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  const rsb = (<usize>rs) << 2;
  const csb = (<usize>cs) << 2;
  for (let jb = 0; jb < nc; jb += 8) {
    const cols = min<i32>(8, nc - jb);
    const src = base + <usize>jb * csb;
    const out = dst + ((<usize>jb * <usize>kc) << 2);
    if (cols === 8 && cs === 1) {
      for (let p = 0; p < kc; p++) {
        const s = src + <usize>p * rsb;
        const o = out + p * 32;
        v128.store(o, v128.load(s));
        v128.store(o, v128.load(s, 16), 16);
      }
    } else if (cols === 8 && rs === 1) {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + ((<usize>p) << 2);
        const o = out + p * 32;
        transpose4(v128.load(s), v128.load(s + csb), v128.load(s + 2 * csb), v128.load(s + 3 * csb), o, 32);
        const s4 = s + 4 * csb;
        transpose4(v128.load(s4), v128.load(s4 + csb), v128.load(s4 + 2 * csb), v128.load(s4 + 3 * csb), o + 16, 32);
      }
      for (; p < kc; p++) {
        for (let l = 0; l < 8; l++)
          store<f32>(out + p * 32 + l * 4, load<f32>(src + ((<usize>p) << 2) + <usize>l * csb));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let l = 0; l < 8; l++) {
          const v = l < cols ? load<f32>(src + <usize>p * rsb + <usize>l * csb) : <f32>0;
          store<f32>(out + p * 32 + l * 4, v);
        }
      }
    }
  }
}

/** Packs A rows `[i0, i0+mc)` x k `[p0, p0+kc)` of batch entry (or conv group) `g`. */
function packA(d: usize, g: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  if (ld(d, G_A_KIND) === OP_CM) {
    packCmA(d, g, i0, mc, p0, kc, dst);
    return;
  }
  const rs = ld(d, G_A_RS);
  const cs = ld(d, G_A_CS);
  const base = at(<usize>ld(d, G_A), batchOffset(d, G_A_BSTRIDE, G_A_BTABLE, g) + i0 * rs + p0 * cs);
  packStridedA(base, rs, cs, mc, kc, dst);
}

/** Packs B k `[p0, p0+kc)` x columns `[j0, j0+nc)` of batch entry (or conv group) `g`. */
function packB(d: usize, g: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const kind = ld(d, G_B_KIND);
  if (kind === OP_IM2COL) {
    packIm2col(d, g, p0, kc, j0, nc, dst);
  } else if (kind === OP_IM2COL_T) {
    packIm2colT(d, g, p0, kc, j0, nc, dst);
  } else if (kind === OP_CM) {
    packCmB(d, g, p0, kc, j0, nc, dst);
  } else {
    const rs = ld(d, G_B_RS);
    const cs = ld(d, G_B_CS);
    const base = at(<usize>ld(d, G_B), batchOffset(d, G_B_BSTRIDE, G_B_BTABLE, g) + p0 * rs + j0 * cs);
    packStridedB(base, rs, cs, kc, nc, dst);
  }
}

/*
 * Where C goes, in globals (each thread's instance has its own; heap objects would be shared memory).
 * OP_STRIDED: element (i, j) at `cBase + ((i - cI0)*cLd + (j - cJ0))*4`. OP_CM: the conv output
 * `[N, O, HO, WO]` at cBase, row i = channel of group g, column j = (image, pixel).
 */
let cKind: i32 = OP_STRIDED;
let cBase: usize = 0;
let cLd: i32 = 0;
let cI0: i32 = 0;
let cJ0: i32 = 0;

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
 * A C block of the conv output whose 8 columns cross an image boundary: element (r, l) lands at
 * `y[n, ch + r, s]` with (n, s) advancing from column j.
 */
function blockScatter(kc: i32, ap: usize, bp: usize, ch: i32, j: i32, mr: i32, nr: i32, acc: bool, tmp: usize): void {
  micro(kc, ap, bp, tmp, 32, false, 4);
  let n = j / cmS;
  let s = j - n * cmS;
  for (let l = 0; l < nr; l++) {
    for (let r = 0; r < mr; r++) {
      const v = load<f32>(tmp + r * 32 + l * 4);
      const p = at(cBase, (n * cmO + ch + r) * cmS + s);
      store<f32>(p, acc ? load<f32>(p) + v : v);
    }
    if (++s === cmS) {
      s = 0;
      n++;
    }
  }
}

// For OP_CM: pixels per image, channels of the output and channels per group (set by gemmRange).
let cmS: i32 = 0;
let cmO: i32 = 0;
let cmOg: i32 = 0;

/**
 * `C[i0:i0+m, j0:j0+n] (+)= A[i0:i0+m, p0:p0+k] · B[p0:p0+k, j0:j0+n]` for batch entry (or group) g,
 * into the C target set by the caller. `accumulate` adds to C instead of overwriting it. With k <= 0 the
 * loop runs once with kc = 0, and the micro-kernel stores zero blocks (a product of no terms).
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
  const tmp = scratch;
  laneScratch = scratch + 128;
  const ap = scratch + HEAD;
  const bp = ap + ((<usize>MC * <usize>KC) << 2);
  if (cKind === OP_CM) {
    const cv = <usize>ld(d, G_CONV);
    cmS = ld(cv, CV_HO) * ld(cv, CV_WO);
    cmO = ld(cv, CV_O);
    cmOg = ld(cv, CV_OG);
  }
  const kTotal = max<i32>(k, 0);
  let pc = 0;
  do {
    const kc = min<i32>(KC, kTotal - pc);
    if (kc > 0) packB(d, g, p0 + pc, kc, j0, n, bp);
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
        if (cKind === OP_STRIDED) {
          cp = at(cBase, (i0 + ic - cI0) * cLd + (j - cJ0));
          ldc = cLd;
        } else {
          const img = j / cmS;
          const s = j - img * cmS;
          if (s + nr <= cmS) {
            cp = at(cBase, (img * cmO + g * cmOg + i0 + ic) * cmS + s);
            ldc = cmS;
          }
        }
        for (let ir = 0; ir < mc; ir += 4) {
          const as = ap + ((<usize>ir * <usize>kc) << 2);
          const mr = min<i32>(4, mc - ir);
          if (ldc >= 0) blockAt(kc, as, bs, cp + ((<usize>ir * <usize>ldc) << 2), ldc, mr, nr, acc, tmp);
          else blockScatter(kc, as, bs, g * cmOg + i0 + ic + ir, j, mr, nr, acc, tmp);
        }
      }
    }
    pc += KC;
  } while (pc < kTotal);
}

/** Points the C target at a strided matrix whose element (i, j) is at `base + ((i-i0)*ldc + j-j0)*4`. */
export function setStridedTarget(base: usize, ldc: i32, i0: i32, j0: i32): void {
  cKind = OP_STRIDED;
  cBase = base;
  cLd = ldc;
  cI0 = i0;
  cJ0 = j0;
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
    setStridedTarget(at(<usize>ld(d, G_C), off), ld(d, G_C_LD), 0, 0);
  } else {
    cKind = kind;
    cBase = <usize>ld(d, G_C);
  }
  gemmRange(d, g, i0, m, j0, n, p0, k, ld(d, G_ACC) !== 0, scratch);
}
