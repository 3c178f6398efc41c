/**
 * @file 2-D pooling over planes of `[H, W]`: max pooling (maxima and their indices), average pooling and
 * its adjoint.
 * Window (oh, ow) at offset (i, j) reads row `oh*sh - pt + i*dh` and column `ow*sw - pl + j*dw`; taps
 * outside the image are padding, skipped. A tile is a run of `P_CHUNK` planes, so each tile owns its
 * output (and, for the adjoint, its dx planes) alone.
 */
import { at, ld } from './mem';
import {
  P_CHUNK,
  P_DH,
  P_DW,
  P_H,
  P_HO,
  P_INCLUDE_PAD,
  P_KH,
  P_KW,
  P_OUT,
  P_VALUES,
  P_PL,
  P_PLANES,
  P_PT,
  P_SH,
  P_SW,
  P_W,
  P_WO,
  P_X,
} from '../src/wasm/layout';

let H: i32 = 0;
let W: i32 = 0;
let KH: i32 = 0;
let KW: i32 = 0;
let HO: i32 = 0;
let WO: i32 = 0;
let SH: i32 = 0;
let SW: i32 = 0;
let PT: i32 = 0;
let PL: i32 = 0;
let DH: i32 = 0;
let DW: i32 = 0;

/** Loads the window geometry into this instance's globals. */
function readGeometry(d: usize): void {
  H = ld(d, P_H);
  W = ld(d, P_W);
  KH = ld(d, P_KH);
  KW = ld(d, P_KW);
  HO = ld(d, P_HO);
  WO = ld(d, P_WO);
  SH = ld(d, P_SH);
  SW = ld(d, P_SW);
  PT = ld(d, P_PT);
  PL = ld(d, P_PL);
  DH = ld(d, P_DH);
  DW = ld(d, P_DW);
}

/** Stores window `ow` of a row: the index of its first maximum (from maxWindow) and that value (-∞ if none). */
function storeWindow(xp: usize, o: usize, vo: usize, ow: i32, k: i32): void {
  store<i32>(at(o, ow), k);
  store<f32>(at(vo, ow), k >= 0 ? load<f32>(at(xp, k)) : -Infinity);
}

/**
 * One JOB_MAXPOOL tile: each window's maximum (to P_VALUES) and the int32 index `ih*W + iw` of its first
 * maximum (to P_OUT; a NaN wins), -1 and -∞ for a window with no tap in the image. Four
 * neighbouring windows that lie wholly inside the image run as one f32x4 with branch-free compares (a
 * data-dependent branch mispredicts half the time on real data); the others run the scalar loop.
 */
export function maxPoolTile(d: usize, t: i32): void {
  const h = ld(d, P_H);
  const w = ld(d, P_W);
  const kh = ld(d, P_KH);
  const kw = ld(d, P_KW);
  const ho = ld(d, P_HO);
  const wo = ld(d, P_WO);
  const sh = ld(d, P_SH);
  const sw = ld(d, P_SW);
  const pt = ld(d, P_PT);
  const pl = ld(d, P_PL);
  const dh = ld(d, P_DH);
  const dw = ld(d, P_DW);
  const chunk = ld(d, P_CHUNK);
  const p0 = t * chunk;
  const p1 = min<i32>(ld(d, P_PLANES), p0 + chunk);
  const x = <usize>ld(d, P_X);
  const out = <usize>ld(d, P_OUT);
  const values = <usize>ld(d, P_VALUES);
  const spanH = (kh - 1) * dh;
  const spanW = (kw - 1) * dw;
  // Output columns whose windows are wholly inside the image columns: iw0 = ow*sw - pl in [0, w - spanW).
  const owLo = min<i32>(wo, (pl + sw - 1) / sw);
  const owHi = max<i32>(owLo, min<i32>(wo, (w - 1 - spanW + pl) / sw + 1));
  const steps = i32x4(0, sw, 2 * sw, 3 * sw);
  for (let plane = p0; plane < p1; plane++) {
    const xp = at(x, plane * h * w);
    const op = at(out, plane * ho * wo);
    const vp = at(values, plane * ho * wo);
    for (let oh = 0; oh < ho; oh++) {
      const ih0 = oh * sh - pt;
      const o = at(op, oh * wo);
      const vo = at(vp, oh * wo);
      let ow = 0;
      if (ih0 >= 0 && ih0 + spanH < h) {
        for (ow = 0; ow < owLo; ow++)
          storeWindow(xp, o, vo, ow, maxWindow(xp, ih0, ow * sw - pl, h, w, kh, kw, dh, dw));
        // Groups of four interior windows. When fewer than four are left, the last group starts at owHi - 4
        // and recomputes some windows of the one before (same values), so no window of the row's interior
        // takes the scalar path (LeNet's 14-window rows left two of every fourteen to it).
        while (ow < owHi && owHi - owLo >= 4) {
          ow = min<i32>(ow, owHi - 4);
          const k0 = ih0 * w + ow * sw - pl;
          let best = gather4(xp, k0, sw);
          let bi = i32x4.add(i32x4.splat(k0), steps);
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const k = k0 + i * dh * w + j * dw;
              const v = gather4(xp, k, sw);
              const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
              best = v128.bitselect(v, best, take);
              bi = v128.bitselect(i32x4.add(i32x4.splat(k), steps), bi, take);
            }
          }
          v128.store(at(o, ow), bi);
          v128.store(at(vo, ow), best);
          ow += 4;
        }
      }
      for (; ow < wo; ow++) storeWindow(xp, o, vo, ow, maxWindow(xp, ih0, ow * sw - pl, h, w, kh, kw, dh, dw));
    }
  }
}

/** x[k], x[k+s], x[k+2s], x[k+3s] of the plane at `xp`. */
function gather4(xp: usize, k: i32, s: i32): v128 {
  if (s === 1) return v128.load(at(xp, k));
  if (s === 2) {
    const a = v128.load(at(xp, k));
    return i32x4.shuffle(a, v128.load(at(xp, k + 4)), 0, 2, 4, 6);
  }
  let v = f32x4.splat(load<f32>(at(xp, k)));
  v = f32x4.replace_lane(v, 1, load<f32>(at(xp, k + s)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(xp, k + 2 * s)));
  return f32x4.replace_lane(v, 3, load<f32>(at(xp, k + 3 * s)));
}

/** Scalar argmax of one window with top-left tap (ih0, iw0), skipping taps outside the image. */
function maxWindow(xp: usize, ih0: i32, iw0: i32, h: i32, w: i32, kh: i32, kw: i32, dh: i32, dw: i32): i32 {
  let best: f32 = NaN;
  let bi = -1;
  for (let i = 0; i < kh; i++) {
    const ih = ih0 + i * dh;
    if (<u32>ih >= <u32>h) continue;
    for (let j = 0; j < kw; j++) {
      const iw = iw0 + j * dw;
      if (<u32>iw >= <u32>w) continue;
      const k = ih * w + iw;
      const v = load<f32>(at(xp, k));
      if (bi < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
        best = v;
        bi = k;
      }
    }
  }
  return bi;
}

/** Number of in-image taps along one axis for output position `o`. */
function count(o: i32, k: i32, s: i32, p: i32, dil: i32, n: i32): i32 {
  let c = 0;
  for (let i = 0; i < k; i++) if (<u32>(o * s - p + i * dil) < <u32>n) c++;
  return c;
}

/** The divisor of window (oh, ow). */
function divisor(oh: i32, ow: i32, includePad: bool): f32 {
  if (includePad) return <f32>(KH * KW);
  return <f32>(count(oh, KH, SH, PT, DH, H) * count(ow, KW, SW, PL, DW, W));
}

/** One JOB_AVGPOOL tile: mean over in-image taps, divided as `divisor` says (0/0 gives 0). */
export function avgPoolTile(d: usize, t: i32): void {
  readGeometry(d);
  const includePad = ld(d, P_INCLUDE_PAD) !== 0;
  const chunk = ld(d, P_CHUNK);
  const p0 = t * chunk;
  const p1 = min<i32>(ld(d, P_PLANES), p0 + chunk);
  const x = <usize>ld(d, P_X);
  const out = <usize>ld(d, P_OUT);
  for (let plane = p0; plane < p1; plane++) {
    const xp = at(x, plane * H * W);
    let o = at(out, plane * HO * WO);
    for (let oh = 0; oh < HO; oh++) {
      for (let ow = 0; ow < WO; ow++) {
        let s: f32 = 0;
        for (let i = 0; i < KH; i++) {
          const ih = oh * SH - PT + i * DH;
          if (<u32>ih >= <u32>H) continue;
          for (let j = 0; j < KW; j++) {
            const iw = ow * SW - PL + j * DW;
            if (<u32>iw < <u32>W) s += load<f32>(at(xp, ih * W + iw));
          }
        }
        const dv = divisor(oh, ow, includePad);
        store<f32>(o, dv > 0 ? s / dv : 0);
        o += 4;
      }
    }
  }
}

/** One JOB_AVGPOOL_BACK tile: each dy element spread evenly (÷ divisor) over its in-image taps. */
export function avgPoolBackTile(d: usize, t: i32): void {
  readGeometry(d);
  const includePad = ld(d, P_INCLUDE_PAD) !== 0;
  const chunk = ld(d, P_CHUNK);
  const p0 = t * chunk;
  const p1 = min<i32>(ld(d, P_PLANES), p0 + chunk);
  const dy = <usize>ld(d, P_X);
  const dx = <usize>ld(d, P_OUT);
  for (let plane = p0; plane < p1; plane++) {
    const dp = at(dx, plane * H * W);
    memory.fill(dp, 0, (<usize>(H * W)) << 2);
    let g = at(dy, plane * HO * WO);
    for (let oh = 0; oh < HO; oh++) {
      for (let ow = 0; ow < WO; ow++) {
        const dv = divisor(oh, ow, includePad);
        const v = dv > 0 ? load<f32>(g) / dv : <f32>0;
        g += 4;
        for (let i = 0; i < KH; i++) {
          const ih = oh * SH - PT + i * DH;
          if (<u32>ih >= <u32>H) continue;
          for (let j = 0; j < KW; j++) {
            const iw = ow * SW - PL + j * DW;
            if (<u32>iw >= <u32>W) continue;
            const p = at(dp, ih * W + iw);
            store<f32>(p, load<f32>(p) + v);
          }
        }
      }
    }
  }
}
