/**
 * @file Packing GEMM panels from an NCHW tensor of the conv's O channels (y or dy, `[N, O, HO, WO]`)
 * viewed channel-major: rows (or k) are the channels of group g, columns (or k) are (n, s) with
 * S = HO*WO pixels per image. The filter gradient uses it as A (`dy[o, (n,s)]`), the input gradient as
 * B (`dcol = wᵀ · dy`). Within an image a channel's pixels are contiguous, so runs of four or eight
 * columns are plain f32x4 loads; chunks that cross an image go element by element.
 */
import { at, ld, transpose4 } from './mem';
import { CV_HO, CV_O, CV_OG, CV_WO, G_A, G_B, G_CONV } from '../src/wasm/layout';

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
