/**
 * @file Operand kinds of the GEMM engine: packA and packB read the descriptor at `d` and pack from a
 * strided matrix (pack-strided.ts), an implicit im2col of an NCHW image (pack-col.ts), its transpose
 * (pack-colt.ts) or a channel-major view of an NCHW tensor (pack-cm.ts), so matmul and all three conv
 * passes share the one GEMM driver in gemm.ts.
 */
import { packCmA, packCmB } from './pack-cm';
import { packIm2col } from './pack-col';
import { packIm2colT } from './pack-colt';
import { packStridedA, packStridedB } from './pack-strided';
import { at, ld } from './mem';
import {
  G_A,
  G_A_BSTRIDE,
  G_A_BTABLE,
  G_A_CS,
  G_A_KIND,
  G_A_RS,
  G_B,
  G_B_BSTRIDE,
  G_B_BTABLE,
  G_B_CS,
  G_B_KIND,
  G_B_RS,
  OP_CM,
  OP_IM2COL,
  OP_IM2COL_T,
} from '../src/wasm/layout';

/** Element offset of batch entry `b` of an operand: from its table of offsets, or `b * stride`. */
function batchOffset(d: usize, strideSlot: i32, tableSlot: i32, b: i32): i32 {
  const table = <usize>ld(d, tableSlot);
  return table !== 0 ? load<i32>(table + ((<usize>b) << 2)) : b * ld(d, strideSlot);
}

/** Packs A rows `[i0, i0+mc)` x k `[p0, p0+kc)` of batch entry (or conv group) `g`. */
export function packA(d: usize, g: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  if (ld(d, G_A_KIND) === OP_CM) {
    packCmA(d, g, i0, mc, p0, kc, dst);
    return;
  }
  const rs = ld(d, G_A_RS);
  const cs = ld(d, G_A_CS);
  const base = at(<usize>ld(d, G_A), batchOffset(d, G_A_BSTRIDE, G_A_BTABLE, g) + i0 * rs + p0 * cs);
  packStridedA(base, rs, cs, mc, kc, dst);
}

/**
 * Packs B k `[p0, p0+kc)` x columns `[j0, j0+nc)` of batch entry (or conv group) `g`; the im2col packers
 * use `lanes`, this thread's 384-byte table (SCR_LANES of its scratch).
 */
export function packB(d: usize, g: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize, lanes: usize): void {
  const kind = ld(d, G_B_KIND);
  if (kind === OP_IM2COL) {
    packIm2col(d, g, p0, kc, j0, nc, dst, lanes);
  } else if (kind === OP_IM2COL_T) {
    packIm2colT(d, g, p0, kc, j0, nc, dst, lanes);
  } else if (kind === OP_CM) {
    packCmB(d, g, p0, kc, j0, nc, dst);
  } else {
    const rs = ld(d, G_B_RS);
    const cs = ld(d, G_B_CS);
    const base = at(<usize>ld(d, G_B), batchOffset(d, G_B_BSTRIDE, G_B_BTABLE, g) + p0 * rs + j0 * cs);
    packStridedB(base, rs, cs, kc, nc, dst);
  }
}
