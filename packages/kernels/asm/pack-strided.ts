/**
 * @file Packing GEMM panels from strided matrices (matmul's operands, conv weights): element (i, k) of A
 * at `i*rs + k*cs`, element (k, j) of B at `k*rs + j*cs`. Row-major and column-major operands take f32x4
 * fast paths (a 4x4 transpose where the packed order crosses the memory order); anything else goes
 * element by element. Edge blocks are padded with zeros.
 */
import { transpose4 } from './mem';

/** Packs rows `[0, mc)` x k `[0, kc)` of the matrix at `base` (element (i, k) at `i*rs + k*cs`). */
export function packStridedA(base: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
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
export function packStridedB(base: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
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
