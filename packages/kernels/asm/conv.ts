/**
 * @file conv2dBackpropInput tiles (GEMM into a private dcol block, then col2im) and the sum of partial
 * results that conv2dBackpropFilter uses when it splits its long reduction over (n, oh, ow).
 *
 * A dx tile owns `CPT` input channels of one group for `IPT` images: it computes
 * `dcol[(c,kh,kw), (n,s)] = Σ_o w[o, c, kh, kw] · dy[n, o, s]` for exactly those rows and columns, zeroes
 * its dx planes and adds every dcol entry back at the pixel its tap read in the forward pass. No other
 * tile touches those planes, so threads never write the same dx element and need no atomics.
 */
import { gemmRange, setStridedTarget } from './gemm';
import { at, ld } from './mem';
import {
  CV_C,
  CV_CG,
  CV_CPT,
  CV_DCOL,
  CV_DH,
  CV_DW,
  CV_DX,
  CV_H,
  CV_HO,
  CV_IPT,
  CV_KH,
  CV_KW,
  CV_N,
  CV_OG,
  CV_PL,
  CV_PT,
  CV_SH,
  CV_SW,
  CV_W,
  CV_WO,
  G_CONV,
  SP_CHUNK,
  SP_LEN,
  SP_OUT,
  SP_R,
  SP_SRC,
} from '../src/wasm/layout';

/** `floor(a / b)` for b > 0 and any sign of a. */
function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/** One JOB_CONV_DX tile: t = (g, channel block, image block). */
export function convDxTile(d: usize, t: i32, scratch: usize): void {
  const cv = <usize>ld(d, G_CONV);
  const N = ld(cv, CV_N);
  const C = ld(cv, CV_C);
  const H = ld(cv, CV_H);
  const W = ld(cv, CV_W);
  const Cg = ld(cv, CV_CG);
  const KH = ld(cv, CV_KH);
  const KW = ld(cv, CV_KW);
  const HO = ld(cv, CV_HO);
  const WO = ld(cv, CV_WO);
  const CPT = ld(cv, CV_CPT);
  const IPT = ld(cv, CV_IPT);
  const KK = KH * KW;
  const S = HO * WO;
  const HW = H * W;
  const tilesC = (Cg + CPT - 1) / CPT;
  const tilesI = (N + IPT - 1) / IPT;
  let q = t;
  const nb = q % tilesI;
  q /= tilesI;
  const cb = q % tilesC;
  const g = q / tilesC;
  const c0 = cb * CPT;
  const cc = min<i32>(CPT, Cg - c0);
  const n0 = nb * IPT;
  const nn = min<i32>(IPT, N - n0);
  const cols = nn * S;
  const dcol = scratch + <usize>ld(cv, CV_DCOL);
  setStridedTarget(scratch, dcol, cols, c0 * KK, n0 * S);
  gemmRange(d, g, c0 * KK, cc * KK, n0 * S, cols, 0, ld(cv, CV_OG), false, scratch);

  const dx = <usize>ld(cv, CV_DX);
  for (let n = n0; n < n0 + nn; n++) {
    memory.fill(at(dx, (n * C + g * Cg + c0) * HW), 0, (<usize>(cc * HW)) << 2);
  }
  const sh = ld(cv, CV_SH);
  const sw = ld(cv, CV_SW);
  const pt = ld(cv, CV_PT);
  const pl = ld(cv, CV_PL);
  const dh = ld(cv, CV_DH);
  const dw = ld(cv, CV_DW);
  for (let c = 0; c < cc; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const src = at(dcol, (c * KK + kh * KW + kw) * cols);
        // Output columns whose tap lands inside the image: 0 ≤ ow*sw + off < W.
        const off = kw * dw - pl;
        const owLo = max<i32>(0, -floorDiv(off, sw));
        const owHi = min<i32>(WO, floorDiv(W - 1 - off, sw) + 1);
        for (let n = 0; n < nn; n++) {
          const plane = at(dx, ((n0 + n) * C + g * Cg + c0 + c) * HW);
          for (let oh = 0; oh < HO; oh++) {
            const ih = oh * sh - pt + kh * dh;
            if (<u32>ih >= <u32>H) continue;
            const s = at(src, n * S + oh * WO);
            const row = at(plane, ih * W);
            if (sw === 1) addRun(at(row, owLo + off), at(s, owLo), owHi - owLo);
            else
              for (let ow = owLo; ow < owHi; ow++) {
                const p = at(row, ow * sw + off);
                store<f32>(p, load<f32>(p) + load<f32>(at(s, ow)));
              }
          }
        }
      }
    }
  }
}

/** `dst[i] += src[i]` for i in [0, n). */
function addRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = dst + ((<usize>i) << 2);
    v128.store(p, f32x4.add(v128.load(p), v128.load(src + ((<usize>i) << 2))));
  }
  for (; i < n; i++) {
    const p = dst + ((<usize>i) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(src + ((<usize>i) << 2)));
  }
}

/** One JOB_SUM_PARTIALS tile: `out[e] = Σ_r src[r*len + e]` for e in this tile's chunk, r in order. */
export function sumPartialsTile(d: usize, t: i32): void {
  const len = ld(d, SP_LEN);
  const R = ld(d, SP_R);
  const chunk = ld(d, SP_CHUNK);
  const e0 = t * chunk;
  const n = min<i32>(chunk, len - e0);
  const src = at(<usize>ld(d, SP_SRC), e0);
  const out = at(<usize>ld(d, SP_OUT), e0);
  const stride = (<usize>len) << 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    let v = v128.load(src + o);
    for (let r = 1; r < R; r++) v = f32x4.add(v, v128.load(src + <usize>r * stride + o));
    v128.store(out + o, v);
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    let v = load<f32>(src + o);
    for (let r = 1; r < R; r++) v += load<f32>(src + <usize>r * stride + o);
    store<f32>(out + o, v);
  }
}
