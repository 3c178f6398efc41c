/**
 * @file Packing GEMM panels straight from NCHW tensors, so no im2col matrix is ever materialised.
 *
 * Names follow the conv as a GEMM per group g (KK = KH*KW, S = HO*WO):
 * - forward: `y[o, (n,s)] = Σ_{(c,kh,kw)} w[o, (c,kh,kw)] · col[(c,kh,kw), (n,s)]` — B is `col` (im2col).
 * - filter gradient: `dw[o, (c,kh,kw)] = Σ_{(n,s)} dy[o, (n,s)] · col[(c,kh,kw), (n,s)]` — A is dy viewed
 *   channel-major (CM), B is colᵀ (im2col transposed).
 * - input gradient: `dcol[(c,kh,kw), (n,s)] = Σ_o w[o, (c,kh,kw)] · dy[o, (n,s)]` — B is dy viewed CM.
 * `col[(c,kh,kw), (n,oh,ow)] = x[n, g*Cg + c, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw]`, 0 in the padding.
 * Fast paths copy whole f32x4 runs when a run of outputs is one contiguous, in-image row segment.
 */
import { at, laneScratch, ld, transpose4 } from './gemm';
import {
  CV_C,
  CV_CG,
  CV_DH,
  CV_DW,
  CV_H,
  CV_HO,
  CV_KH,
  CV_KW,
  CV_O,
  CV_OG,
  CV_PL,
  CV_PT,
  CV_SH,
  CV_SW,
  CV_W,
  CV_WO,
  G_A,
  G_B,
  G_CONV,
} from '../src/wasm/layout';

/** True when `v` is in `[0, n)`. */
function inside(v: i32, n: i32): bool {
  return <u32>v < <u32>n;
}

/** B = col: k index p = (c, kh, kw) of group g, column j = (n, oh, ow). */
export function packIm2col(d: usize, g: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const cv = <usize>ld(d, G_CONV);
  const C = ld(cv, CV_C);
  const H = ld(cv, CV_H);
  const W = ld(cv, CV_W);
  const KH = ld(cv, CV_KH);
  const KW = ld(cv, CV_KW);
  const HO = ld(cv, CV_HO);
  const WO = ld(cv, CV_WO);
  const sh = ld(cv, CV_SH);
  const sw = ld(cv, CV_SW);
  const pt = ld(cv, CV_PT);
  const pl = ld(cv, CV_PL);
  const dh = ld(cv, CV_DH);
  const dw = ld(cv, CV_DW);
  const S = ld(cv, CV_HO) * WO;
  const KK = KH * KW;
  const HW = H * W;
  const xg = at(<usize>ld(d, G_B), g * ld(cv, CV_CG) * HW);
  const c0 = p0 / KK;
  const kh0 = (p0 - c0 * KK) / KW;
  const kw0 = p0 - c0 * KK - kh0 * KW;
  const zero = f32x4.splat(0);
  for (let jb = 0; jb < nc; jb += 8) {
    const j = j0 + jb;
    const cols = min<i32>(8, nc - jb);
    const out = dst + ((<usize>jb * <usize>kc) << 2);
    const n = j / S;
    const s = j - n * S;
    const oh = s / WO;
    const ow = s - oh * WO;
    if (cols === 8 && sw === 1 && ow + 8 <= WO) {
      // Eight outputs along one row: each tap reads eight consecutive pixels.
      const xn = at(xg, n * C * HW);
      const ihb = oh * sh - pt;
      const iwb = ow - pl;
      let c = c0;
      let kh = kh0;
      let kw = kw0;
      for (let q = 0; q < kc; q++) {
        const ih = ihb + kh * dh;
        const iw = iwb + kw * dw;
        const o = out + q * 32;
        if (inside(ih, H)) {
          const row = at(xn, c * HW + ih * W);
          if (iw >= 0 && iw + 8 <= W) {
            const src = row + ((<usize>iw) << 2);
            v128.store(o, v128.load(src));
            v128.store(o, v128.load(src, 16), 16);
          } else if (iw >= -8 && iw <= W) {
            v128.store(o, maskedRun(row, iw, 0, 0, 8, W));
            v128.store(o, maskedRun(row, iw + 4, 4, 0, 8, W), 16);
          } else {
            v128.store(o, zero);
            v128.store(o, zero, 16);
          }
        } else {
          v128.store(o, zero);
          v128.store(o, zero, 16);
        }
        if (++kw === KW) {
          kw = 0;
          if (++kh === KH) {
            kh = 0;
            c++;
          }
        }
      }
      continue;
    }
    if (cols === 8 && sw === 1 && oh + 1 < HO && 8 - (WO - ow) <= WO) {
      packAcrossRowEnd(cv, at(xg, n * C * HW), kc, out, c0, kh0, kw0, oh, ow);
      continue;
    }
    packIm2colGeneral(xg, j, cols, kc, out, c0, kh0, kw0, C, H, W, KH, KW, WO, S, sh, sw, pt, pl, dh, dw);
  }
}

/**
 * Eight stride-1 outputs that cross the end of output row `oh` of one image (rows short of eight, such as
 * LeNet's 10-wide ones, make half the chunks like this): lanes `[0, r)` are outputs `ow..WO-1` of row oh,
 * lanes `[r, 8)` the first `8 - r` of row oh + 1. Each tap reads one run of x from each input row; inside
 * the image the two runs are joined with one lane select per half, near the padding through masked runs.
 * `cv` is the conv geometry block, `xn` the image's first element.
 */
function packAcrossRowEnd(
  cv: usize,
  xn: usize,
  kc: i32,
  out: usize,
  c0: i32,
  kh0: i32,
  kw0: i32,
  oh: i32,
  ow: i32,
): void {
  const H = ld(cv, CV_H);
  const W = ld(cv, CV_W);
  const KH = ld(cv, CV_KH);
  const KW = ld(cv, CV_KW);
  const sh = ld(cv, CV_SH);
  const pt = ld(cv, CV_PT);
  const pl = ld(cv, CV_PL);
  const dh = ld(cv, CV_DH);
  const dw = ld(cv, CV_DW);
  const HW = H * W;
  const r = ld(cv, CV_WO) - ow;
  // Lane l (of 8) comes from row oh while l < r: masks for lanes 0-3 and 4-7.
  const firstRow0 = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(r));
  const firstRow1 = i32x4.lt_s(i32x4(4, 5, 6, 7), i32x4.splat(r));
  const zero = f32x4.splat(0);
  let c = c0;
  let kh = kh0;
  let kw = kw0;
  for (let q = 0; q < kc; q++) {
    const ihA = oh * sh - pt + kh * dh;
    const ihB = ihA + sh;
    const iwA = ow - pl + kw * dw;
    // Lane l >= r reads column iwB + (l - r) of row B; a load at iwB - r lines lane l up with it.
    const iwB = kw * dw - pl - r;
    const rowA = at(xn, c * HW + ihA * W);
    const rowB = at(rowA, sh * W);
    const o = out + q * 32;
    if (inside(ihA, H) && inside(ihB, H) && iwA >= 0 && iwA + r <= W && iwB + r >= 0 && iwB + 8 <= W) {
      v128.store(o, v128.bitselect(v128.load(at(rowA, iwA)), v128.load(at(rowB, iwB)), firstRow0));
      v128.store(o, v128.bitselect(v128.load(at(rowA, iwA + 4)), v128.load(at(rowB, iwB + 4)), firstRow1), 16);
    } else {
      for (let h = 0; h < 2; h++) {
        const a =
          inside(ihA, H) && iwA + 4 * h > -4 && iwA + 4 * h < W ? maskedRun(rowA, iwA + 4 * h, 4 * h, 0, r, W) : zero;
        const b =
          inside(ihB, H) && iwB + 4 * h > -4 && iwB + 4 * h < W ? maskedRun(rowB, iwB + 4 * h, 4 * h, r, 8, W) : zero;
        v128.store(o + h * 16, v128.or(a, b));
      }
    }
    if (++kw === KW) {
      kw = 0;
      if (++kh === KH) {
        kh = 0;
        c++;
      }
    }
  }
}

/**
 * One chunk of col that is not eight in-row outputs (it crosses a row or an image, the stride is not 1,
 * or it is the last, partial chunk). Each lane l (output pixel) has a fixed x offset `lo[l]` at tap
 * (c, kh, kw) = 0, and the tap adds the same `c·H·W + kh·dh·W + kw·dw` to every lane, so for taps whose
 * window stays inside the image for all lanes (interior taps) the lanes are a fixed gather pattern: with
 * stride 1 each half (4 lanes) is at most four runs of consecutive pixels, one f32x4 load and a lane
 * select each. Taps that touch the padding go lane by lane with bounds checks.
 */
function packIm2colGeneral(
  xg: usize,
  j: i32,
  cols: i32,
  kc: i32,
  out: usize,
  c0: i32,
  kh0: i32,
  kw0: i32,
  C: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  WO: i32,
  S: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
  dh: i32,
  dw: i32,
): void {
  const HW = H * W;
  // Lane table (16 bytes a lane): x offset at tap 0, first input row, first input column.
  const lanes = laneScratch;
  // Runs (stride 1), 96 bytes per half: a count, up to 4 offsets, then their 4 lane masks at +32.
  const runs = lanes + 128;
  let n = j / S;
  const s = j - n * S;
  let oh = s / WO;
  let ow = s - oh * WO;
  let ihMin = i32.MAX_VALUE;
  let ihMax = i32.MIN_VALUE;
  let iwMin = i32.MAX_VALUE;
  let iwMax = i32.MIN_VALUE;
  for (let l = 0; l < 8; l++) {
    const lp = lanes + l * 16;
    if (l < cols) {
      const ih = oh * sh - pt;
      const iw = ow * sw - pl;
      store<i32>(lp, n * C * HW + ih * W + iw);
      store<i32>(lp, ih, 4);
      store<i32>(lp, iw, 8);
      ihMin = min<i32>(ihMin, ih);
      ihMax = max<i32>(ihMax, ih);
      iwMin = min<i32>(iwMin, iw);
      iwMax = max<i32>(iwMax, iw);
      if (++ow === WO) {
        ow = 0;
        if (++oh * WO === S) {
          oh = 0;
          n++;
        }
      }
    } else {
      // Never inside: the bounds-checked path stores 0 for lanes past the last column.
      store<i32>(lp, 0);
      store<i32>(lp, i32.MIN_VALUE >> 1, 4);
      store<i32>(lp, i32.MIN_VALUE >> 1, 8);
    }
  }
  if (sw === 1) {
    for (let h = 0; h < 2; h++) {
      const hp = runs + h * 96;
      let nr = 0;
      let l = h * 4;
      const hEnd = min<i32>(h * 4 + 4, cols);
      while (l < hEnd) {
        const a = l;
        const base = load<i32>(lanes + a * 16);
        l++;
        while (l < hEnd && load<i32>(lanes + l * 16) === base + (l - a)) l++;
        // Offset such that lane i of the half reads base + (4h + i - a): one load covers the run.
        store<i32>(hp + 4 + nr * 4, base - (a - h * 4));
        const idx = i32x4.add(i32x4.splat(h * 4), i32x4(0, 1, 2, 3));
        v128.store(hp + 32 + nr * 16, v128.and(i32x4.ge_s(idx, i32x4.splat(a)), i32x4.lt_s(idx, i32x4.splat(l))));
        nr++;
      }
      store<i32>(hp, nr);
    }
  }
  const zero = f32x4.splat(0);
  let c = c0;
  let kh = kh0;
  let kw = kw0;
  for (let q = 0; q < kc; q++) {
    const khd = kh * dh;
    const kwd = kw * dw;
    const o = out + q * 32;
    const tap = c * HW + khd * W + kwd;
    const interior = ihMin + khd >= 0 && ihMax + khd < H && iwMin + kwd >= 0 && iwMax + kwd < W;
    if (interior && sw === 1) {
      for (let h = 0; h < 2; h++) {
        const hp = runs + h * 96;
        const nr = load<i32>(hp);
        let v = zero;
        if (nr > 0) {
          v = v128.and(v128.load(at(xg, load<i32>(hp, 4) + tap)), v128.load(hp, 32));
          for (let r = 1; r < nr; r++) {
            const w = v128.load(at(xg, load<i32>(hp + 4 + r * 4) + tap));
            v = v128.bitselect(w, v, v128.load(hp + 32 + r * 16));
          }
        }
        v128.store(o + h * 16, v);
      }
    } else if (interior) {
      for (let l = 0; l < 8; l++) {
        const v = l < cols ? load<f32>(at(xg, load<i32>(lanes + l * 16) + tap)) : <f32>0;
        store<f32>(o + l * 4, v);
      }
    } else {
      for (let l = 0; l < 8; l++) {
        const lp = lanes + l * 16;
        const ih = load<i32>(lp, 4) + khd;
        const iw = load<i32>(lp, 8) + kwd;
        const v = inside(ih, H) && inside(iw, W) ? load<f32>(at(xg, load<i32>(lp) + tap)) : <f32>0;
        store<f32>(o + l * 4, v);
      }
    }
    if (++kw === KW) {
      kw = 0;
      if (++kh === KH) {
        kh = 0;
        c++;
      }
    }
  }
}

/**
 * Lanes `lb..lb+3` of a tap row: x columns `col..col+3` of `row` (col may be up to 8 outside the row),
 * kept where the lane is in `[l0, l1)` and the column in `[0, w)`, else 0.
 */
function maskedRun(row: usize, col: i32, lb: i32, l0: i32, l1: i32, w: i32): v128 {
  const v = v128.load(row + <usize>(col << 2));
  const lanes = i32x4.add(i32x4.splat(lb), i32x4(0, 1, 2, 3));
  const cols = i32x4.add(i32x4.splat(col), i32x4(0, 1, 2, 3));
  const inLanes = v128.and(i32x4.ge_s(lanes, i32x4.splat(l0)), i32x4.lt_s(lanes, i32x4.splat(l1)));
  const inRow = v128.and(i32x4.ge_s(cols, i32x4.splat(0)), i32x4.lt_s(cols, i32x4.splat(w)));
  return v128.and(v, v128.and(inLanes, inRow));
}

/** B = colᵀ: k index p = (n, oh, ow), column j = (c, kh, kw) of group g. */
export function packIm2colT(d: usize, g: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const cv = <usize>ld(d, G_CONV);
  const C = ld(cv, CV_C);
  const H = ld(cv, CV_H);
  const W = ld(cv, CV_W);
  const KH = ld(cv, CV_KH);
  const KW = ld(cv, CV_KW);
  const HO = ld(cv, CV_HO);
  const WO = ld(cv, CV_WO);
  const sh = ld(cv, CV_SH);
  const sw = ld(cv, CV_SW);
  const pt = ld(cv, CV_PT);
  const pl = ld(cv, CV_PL);
  const dh = ld(cv, CV_DH);
  const dw = ld(cv, CV_DW);
  const S = HO * WO;
  const KK = KH * KW;
  const HW = H * W;
  const CHW = C * HW;
  const xg = at(<usize>ld(d, G_B), g * ld(cv, CV_CG) * HW);
  const n0 = p0 / S;
  const oh0 = (p0 - n0 * S) / WO;
  const ow0 = p0 - n0 * S - oh0 * WO;
  for (let jb = 0; jb < nc; jb += 8) {
    const cols = min<i32>(8, nc - jb);
    const out = dst + ((<usize>jb * <usize>kc) << 2);
    if (sw === 1) {
      packIm2colT8(xg, j0 + jb, cols, kc, out, n0, oh0, ow0, H, W, KH, KW, HO, WO, sh, pt, pl, dh, dw, CHW, HW);
      continue;
    }
    for (let l = 0; l < 8; l++) {
      const o = out + l * 4;
      if (l >= cols) {
        for (let q = 0; q < kc; q++) store<f32>(o + q * 32, 0);
        continue;
      }
      const jj = j0 + jb + l;
      const c = jj / KK;
      const kh = (jj - c * KK) / KW;
      const kw = jj - c * KK - kh * KW;
      const xc = at(xg, c * HW);
      const khd = kh * dh - pt;
      const kwd = kw * dw - pl;
      let n = n0;
      let oh = oh0;
      let ow = ow0;
      for (let q = 0; q < kc; q++) {
        const ih = oh * sh + khd;
        const iw = ow * sw + kwd;
        const v = inside(ih, H) && inside(iw, W) ? load<f32>(at(xc, n * CHW + ih * W + iw)) : <f32>0;
        store<f32>(o + q * 32, v);
        if (++ow === WO) {
          ow = 0;
          if (++oh === HO) {
            oh = 0;
            n++;
          }
        }
      }
    }
  }
}

/**
 * colᵀ for a chunk of 8 columns (the first `cols` real, the rest 0) with stride-1 columns: where four
 * consecutive k indices are four neighbouring outputs of one row, each column reads one f32x4 run of x
 * and two 4x4 transposes store them.
 */
function packIm2colT8(
  xg: usize,
  j: i32,
  cols: i32,
  kc: i32,
  out: usize,
  n0: i32,
  oh0: i32,
  ow0: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  HO: i32,
  WO: i32,
  sh: i32,
  pt: i32,
  pl: i32,
  dh: i32,
  dw: i32,
  CHW: i32,
  HW: i32,
): void {
  const KK = KH * KW;
  // Per column: x offset of its channel, its row offset kh*dh - pt and column offset kw*dw - pl.
  const c = j / KK;
  let kh = (j - c * KK) / KW;
  let kw = j - c * KK - kh * KW;
  let cc = c;
  const lanes = laneScratch;
  for (let l = 0; l < 8; l++) {
    store<i32>(lanes + l * 12, l < cols ? cc * HW : 0);
    // A lane past the last column gets a row offset that is never inside the image: it packs zeros.
    store<i32>(lanes + l * 12, l < cols ? kh * dh - pt : i32.MIN_VALUE >> 1, 4);
    store<i32>(lanes + l * 12, kw * dw - pl, 8);
    if (++kw === KW) {
      kw = 0;
      if (++kh === KH) {
        kh = 0;
        cc++;
      }
    }
  }
  let n = n0;
  let oh = oh0;
  let ow = ow0;
  let q = 0;
  while (q < kc) {
    const xn = at(xg, n * CHW);
    const ihb = oh * sh;
    if (ow + 4 <= WO && q + 4 <= kc) {
      // Each column's four pixels as one f32x4 (staged after the lane table), then two 4x4 transposes.
      const stage = lanes + 96;
      for (let l = 0; l < 8; l++) {
        const lp = lanes + l * 12;
        const ih = ihb + load<i32>(lp, 4);
        const iw = ow + load<i32>(lp, 8);
        const row = at(xn, load<i32>(lp) + ih * W);
        let v = f32x4.splat(0);
        if (inside(ih, H)) {
          if (iw >= 0 && iw + 4 <= W) {
            v = v128.load(row + ((<usize>iw) << 2));
          } else if (iw > -4 && iw < W) {
            v = maskedRun(row, iw, 0, 0, 4, W);
          }
        }
        v128.store(stage + l * 16, v);
      }
      const o = out + q * 32;
      transpose4(v128.load(stage), v128.load(stage, 16), v128.load(stage, 32), v128.load(stage, 48), o, 32);
      transpose4(v128.load(stage, 64), v128.load(stage, 80), v128.load(stage, 96), v128.load(stage, 112), o + 16, 32);
      q += 4;
      ow += 4;
    } else if (q + 4 <= kc && oh + 1 < HO && 4 - (WO - ow) <= WO) {
      // Four k indices across the end of a row: the last r outputs of row oh, then the first 4 - r of
      // row oh + 1 (same image; needs WO >= 4 - r). Each column reads one masked run from each row.
      const r = WO - ow;
      const stage = lanes + 96;
      for (let l = 0; l < 8; l++) {
        const lp = lanes + l * 12;
        const ih = ihb + load<i32>(lp, 4);
        const iw = ow + load<i32>(lp, 8);
        const iw2 = load<i32>(lp, 8) - r;
        const row = at(xn, load<i32>(lp) + ih * W);
        let v = f32x4.splat(0);
        if (inside(ih, H) && iw > -4 && iw < W) v = maskedRun(row, iw, 0, 0, r, W);
        if (inside(ih + sh, H) && iw2 > -4 && iw2 < W) v = v128.or(v, maskedRun(at(row, sh * W), iw2, 0, r, 4, W));
        v128.store(stage + l * 16, v);
      }
      const o = out + q * 32;
      transpose4(v128.load(stage), v128.load(stage, 16), v128.load(stage, 32), v128.load(stage, 48), o, 32);
      transpose4(v128.load(stage, 64), v128.load(stage, 80), v128.load(stage, 96), v128.load(stage, 112), o + 16, 32);
      q += 4;
      ow = 4 - r;
      oh++;
    } else {
      for (let l = 0; l < 8; l++) {
        const lp = lanes + l * 12;
        const ih = ihb + load<i32>(lp, 4);
        const iw = ow + load<i32>(lp, 8);
        const v = inside(ih, H) && inside(iw, W) ? load<f32>(at(xn, load<i32>(lp) + ih * W + iw)) : <f32>0;
        store<f32>(out + q * 32 + l * 4, v);
      }
      q++;
      ow++;
    }
    if (ow === WO) {
      ow = 0;
      if (++oh === HO) {
        oh = 0;
        n++;
      }
    }
  }
}

/** A = the O-channel tensor at G_A viewed channel-major: row i = channel g*Og + i, k index p = (n, s). */
export function packCmA(d: usize, g: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const cv = <usize>ld(d, G_CONV);
  const S = ld(cv, CV_HO) * ld(cv, CV_WO);
  const img = ld(cv, CV_O) * S;
  const t = at(<usize>ld(d, G_A), (g * ld(cv, CV_OG) + i0) * S);
  const sb = (<usize>S) << 2;
  for (let ib = 0; ib < mc; ib += 4) {
    const rows = min<i32>(4, mc - ib);
    const out = dst + ((<usize>ib * <usize>kc) << 2);
    const base = at(t, ib * S);
    let n = p0 / S;
    let s = p0 - n * S;
    let q = 0;
    while (q < kc) {
      const src = at(base, n * img + s);
      if (rows === 4 && s + 4 <= S && q + 4 <= kc) {
        transpose4(
          v128.load(src),
          v128.load(src + sb),
          v128.load(src + 2 * sb),
          v128.load(src + 3 * sb),
          out + q * 16,
          16,
        );
        q += 4;
        s += 4;
      } else {
        for (let r = 0; r < 4; r++)
          store<f32>(out + q * 16 + r * 4, r < rows ? load<f32>(src + <usize>r * sb) : <f32>0);
        q++;
        s++;
      }
      if (s === S) {
        s = 0;
        n++;
      }
    }
  }
}

/** B = the O-channel tensor at G_B viewed channel-major: k index p = channel g*Og + p, column j = (n, s). */
export function packCmB(d: usize, g: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const cv = <usize>ld(d, G_CONV);
  const S = ld(cv, CV_HO) * ld(cv, CV_WO);
  const img = ld(cv, CV_O) * S;
  const t = at(<usize>ld(d, G_B), (g * ld(cv, CV_OG) + p0) * S);
  const sb = (<usize>S) << 2;
  for (let jb = 0; jb < nc; jb += 8) {
    const cols = min<i32>(8, nc - jb);
    const out = dst + ((<usize>jb * <usize>kc) << 2);
    let n = (j0 + jb) / S;
    let s = j0 + jb - n * S;
    if (cols === 8 && s + 8 <= S) {
      const src = at(t, n * img + s);
      for (let q = 0; q < kc; q++) {
        const sq = src + <usize>q * sb;
        v128.store(out + q * 32, v128.load(sq));
        v128.store(out + q * 32, v128.load(sq, 16), 16);
      }
      continue;
    }
    for (let l = 0; l < 8; l++) {
      const o = out + l * 4;
      if (l >= cols) {
        for (let q = 0; q < kc; q++) store<f32>(o + q * 32, 0);
        continue;
      }
      const src = at(t, n * img + s);
      for (let q = 0; q < kc; q++) store<f32>(o + q * 32, load<f32>(src + <usize>q * sb));
      if (++s === S) {
        s = 0;
        n++;
      }
    }
  }
}
