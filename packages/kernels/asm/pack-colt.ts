/**
 * @file Packing B = colᵀ for the conv filter gradient straight from the NCHW input. Per group g, with
 * KK = KH*KW and S = HO*WO, the filter gradient is the GEMM
 * `dw[o, (c,kh,kw)] = Σ_{(n,s)} dy[o, (n,s)] · colᵀ[(n,s), (c,kh,kw)]` (A is dy viewed channel-major, see
 * pack-cm.ts): the k index runs over (n, oh, ow) and the columns over the taps (c, kh, kw).
 *
 * As in pack-col.ts, the geometry is read from the block at `cv` into locals once per call.
 */
import { at, inside, ld, maskedRun, transpose4 } from './mem';
import {
  CV_C,
  CV_CG,
  CV_DH,
  CV_DW,
  CV_H,
  CV_HO,
  CV_KH,
  CV_KW,
  CV_PL,
  CV_PT,
  CV_SH,
  CV_SW,
  CV_W,
  CV_WO,
  G_B,
  G_CONV,
} from '../src/wasm/layout';

/**
 * B = colᵀ: k `[p0, p0+kc)` with p = (n, oh, ow), columns `[j0, j0+nc)` with j = (c, kh, kw) of group g,
 * packed at `dst` in 8-column chunks; `lanes` is this thread's 384-byte table (SCR_LANES).
 */
export function packIm2colT(d: usize, g: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize, lanes: usize): void {
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
      packIm2colT8(cv, xg, j0 + jb, cols, kc, out, n0, oh0, ow0, lanes);
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
 * and two 4x4 transposes store them. `xg` is group g's first input channel of image 0; the chunk starts
 * at column j and k index (n0, oh0, ow0).
 *
 * The three branches below repeat the per-column lane loop on purpose. Written as a helper returning one
 * column's f32x4 (to feed the transposes straight from registers), it needs AssemblyScript's `@inline`,
 * which biome cannot parse (it is not TypeScript); without it -O3 leaves eight helper calls per group of
 * four k indices, and the LeNet c1 filter gradient took 3.35 ms instead of 2.31 ms with the columns
 * staged through memory as here (45% slower, in-process A/B). So each branch stages its eight columns
 * after the lane table and transposes them from there.
 */
function packIm2colT8(
  cv: usize,
  xg: usize,
  j: i32,
  cols: i32,
  kc: i32,
  out: usize,
  n0: i32,
  oh0: i32,
  ow0: i32,
  lanes: usize,
): void {
  const H = ld(cv, CV_H);
  const W = ld(cv, CV_W);
  const KH = ld(cv, CV_KH);
  const KW = ld(cv, CV_KW);
  const HO = ld(cv, CV_HO);
  const WO = ld(cv, CV_WO);
  const sh = ld(cv, CV_SH);
  const pt = ld(cv, CV_PT);
  const pl = ld(cv, CV_PL);
  const dh = ld(cv, CV_DH);
  const dw = ld(cv, CV_DW);
  const HW = H * W;
  const CHW = ld(cv, CV_C) * HW;
  const KK = KH * KW;
  // Per column: x offset of its channel, its row offset kh*dh - pt and column offset kw*dw - pl.
  const c = j / KK;
  let kh = (j - c * KK) / KW;
  let kw = j - c * KK - kh * KW;
  let cc = c;
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
