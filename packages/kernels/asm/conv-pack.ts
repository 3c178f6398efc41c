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
    // General chunk (crosses a row or an image, stride > 1, or the last partial chunk): split its lanes
    // into runs of consecutive pixels of one output row, then copy run by run for every tap.
    const seg = laneScratch;
    let nseg = 0;
    let ln = n;
    let lh = oh;
    let lw = ow;
    for (let l = 0; l < cols; ) {
      const len = min<i32>(cols - l, WO - lw);
      const sp = seg + nseg * 20;
      store<i32>(sp, l);
      store<i32>(sp, len, 4);
      store<i32>(sp, ln * C * HW, 8);
      store<i32>(sp, lh * sh - pt, 12);
      store<i32>(sp, lw * sw - pl, 16);
      nseg++;
      l += len;
      lw += len;
      if (lw === WO) {
        lw = 0;
        if (++lh * WO === S) {
          lh = 0;
          ln++;
        }
      }
    }
    const stage = seg + 160;
    let c = c0;
    let kh = kh0;
    let kw = kw0;
    for (let q = 0; q < kc; q++) {
      const khd = kh * dh;
      const kwd = kw * dw;
      const chan = c * HW;
      // The 8 lanes of this tap, built run by run (lanes no run covers stay 0).
      let lo = zero;
      let hi = zero;
      for (let k = 0; k < nseg; k++) {
        const sp = seg + k * 20;
        const ih = load<i32>(sp, 12) + khd;
        if (!inside(ih, H)) continue;
        const l0 = load<i32>(sp);
        const l1 = l0 + load<i32>(sp, 4);
        const row = at(xg, load<i32>(sp, 8) + chan + ih * W);
        const iw = load<i32>(sp, 16) + kwd;
        // Lane l reads column iw + (l - l0)·sw; with sw = 1 that is one f32x4 pair at column iw - l0,
        // masked to the run's lanes and the row (reads stay within 8 floats of the row: in memory).
        const off = iw - l0;
        if (sw === 1 && off >= -8 && off <= W) {
          lo = v128.or(lo, maskedRun(row, off, 0, l0, l1, W));
          hi = v128.or(hi, maskedRun(row, off + 4, 4, l0, l1, W));
        } else {
          v128.store(stage, lo);
          v128.store(stage, hi, 16);
          for (let l = l0; l < l1; l++) {
            const xw = iw + (l - l0) * sw;
            store<f32>(stage + l * 4, inside(xw, W) ? load<f32>(row + ((<usize>xw) << 2)) : <f32>0);
          }
          lo = v128.load(stage);
          hi = v128.load(stage, 16);
        }
      }
      v128.store(out + q * 32, lo);
      v128.store(out + q * 32, hi, 16);
      if (++kw === KW) {
        kw = 0;
        if (++kh === KH) {
          kh = 0;
          c++;
        }
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
    if (cols === 8 && sw === 1) {
      packIm2colT8(xg, j0 + jb, kc, out, n0, oh0, ow0, H, W, KH, KW, HO, WO, sh, pt, pl, dh, dw, CHW, HW);
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
 * colᵀ for a full chunk of 8 columns with stride-1 columns: where four consecutive k indices are four
 * neighbouring outputs of one row, each column reads one f32x4 run of x and two 4x4 transposes store them.
 */
function packIm2colT8(
  xg: usize,
  j: i32,
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
    store<i32>(lanes + l * 12, cc * HW);
    store<i32>(lanes + l * 12, kh * dh - pt, 4);
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
          } else {
            if (inside(iw, W)) v = f32x4.replace_lane(v, 0, load<f32>(row + ((<usize>iw) << 2)));
            if (inside(iw + 1, W)) v = f32x4.replace_lane(v, 1, load<f32>(row + ((<usize>(iw + 1)) << 2)));
            if (inside(iw + 2, W)) v = f32x4.replace_lane(v, 2, load<f32>(row + ((<usize>(iw + 2)) << 2)));
            if (inside(iw + 3, W)) v = f32x4.replace_lane(v, 3, load<f32>(row + ((<usize>(iw + 3)) << 2)));
          }
        }
        v128.store(stage + l * 16, v);
      }
      const o = out + q * 32;
      transpose4(v128.load(stage), v128.load(stage, 16), v128.load(stage, 32), v128.load(stage, 48), o, 32);
      transpose4(v128.load(stage, 64), v128.load(stage, 80), v128.load(stage, 96), v128.load(stage, 112), o + 16, 32);
      q += 4;
      ow += 4;
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
