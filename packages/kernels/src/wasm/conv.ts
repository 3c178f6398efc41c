/**
 * @file conv2d and its two adjoints on the wasm GEMM engine (NCHW / OIHW, stride, padding, dilation,
 * groups). Per group g, with KK = KH*KW and S = HO*WO:
 * - conv2d: `y[o, (n,s)] = w[o, (c,kh,kw)] · col[(c,kh,kw), (n,s)]` — im2col is packed straight from x.
 * - backprop filter: `dw[o, (c,kh,kw)] = dy[o, (n,s)] · colᵀ` — a reduction over N·S, split into chunks
 *   whose partial sums are added in a fixed order (the split depends on shapes only, never on threads).
 * - backprop input: per tile of channels x images, `dcol = wᵀ · dy` then col2im into dx (see asm/conv.ts).
 * Results do not depend on the number of threads: every output element is summed in the same order.
 */
import type { Conv2dAttrs, Shape } from '../backend.js';
import { type Conv2dSizes, checkConvBias, conv2dSizes, sizeOf } from '../shape.js';
import { checkConvDy } from '../validate.js';
import { allF32, type Ctx, check, empty, filled, NS_PER_FLOP, roundUp, type WTensor } from './context.js';
import { binaryJob, collapse } from './elementwise.js';
import * as L from './layout.js';
import { chooseTiles, gemmScratch, setBlocking } from './matmul.js';

type Geometry = Conv2dSizes;

const geometry = (xShape: Shape, wShape: Shape, a: Conv2dAttrs, kernel: string): Geometry =>
  conv2dSizes(xShape, wShape, a, kernel, check);

/** Writes the conv geometry block into the arena and returns its address. */
function geometryBlock(ctx: Ctx, G: Geometry, a: Conv2dAttrs): number {
  const { rt } = ctx;
  const p = rt.desc(L.CV_WORDS);
  const slots: [number, number][] = [
    [L.CV_N, G.n],
    [L.CV_C, G.c],
    [L.CV_H, G.h],
    [L.CV_W, G.w],
    [L.CV_O, G.o],
    [L.CV_CG, G.cg],
    [L.CV_OG, G.og],
    [L.CV_KH, G.kh],
    [L.CV_KW, G.kw],
    [L.CV_HO, G.ho],
    [L.CV_WO, G.wo],
    [L.CV_SH, a.stride[0]],
    [L.CV_SW, a.stride[1]],
    [L.CV_PT, a.padding[0]],
    [L.CV_PL, a.padding[2]],
    [L.CV_DH, a.dilation[0]],
    [L.CV_DW, a.dilation[1]],
  ];
  for (const [slot, v] of slots) rt.set(p, slot, v);
  return p;
}

/** Flops of one conv pass: every output of every group sums Cg·KH·KW products. */
const flops = (G: Geometry): number => 2 * G.n * G.o * G.ho * G.wo * G.cg * G.kh * G.kw;

/**
 * `y = conv2d(x, w) + bias`: x `[N, C, H, W]`, w `[O, C/G, KH, KW]`, optional bias `[O]` → y
 * `[N, O, HO, WO]`. The bias is added in place by a second job: not faster than a separate `add` on
 * resident tensors (0.8-1.2x, `scripts/bench-fused.mjs`), but it needs no second full-size tensor.
 */
export function conv2d(ctx: Ctx, x: WTensor, w: WTensor, attrs: Conv2dAttrs, bias?: WTensor): WTensor {
  if (!allF32(x, w) || (bias !== undefined && bias.dtype !== 'float32')) {
    return ctx.js.conv2d(x, w, attrs, bias);
  }
  const G = geometry(x.shape, w.shape, attrs, 'conv2d');
  if (bias !== undefined) checkConvBias(bias, G.o, x.dtype, 'conv2d', check);
  const shape = [G.n, G.o, G.ho, G.wo];
  const len = sizeOf(shape);
  const y = empty(ctx, shape);
  if (len === 0) return y;
  const { rt, tune } = ctx;
  rt.begin();
  const px = rt.addr(x.data, 'conv2d');
  const pw = rt.addr(w.data, 'conv2d');
  const py = y.data.ptr;
  const cv = geometryBlock(ctx, G, attrs);
  const m = G.og;
  const n = G.n * G.ho * G.wo;
  const k = G.cg * G.kh * G.kw;
  const d = rt.desc(L.G_WORDS);
  const [mt, nt] = chooseTiles(tune, rt.threads, G.g, m, n);
  const tiles = setBlocking(ctx, d, { m, n, k, batch: G.g, mt, nt });
  rt.set(d, L.G_A_KIND, L.OP_STRIDED);
  rt.set(d, L.G_A, pw);
  rt.set(d, L.G_A_RS, k);
  rt.set(d, L.G_A_CS, 1);
  rt.set(d, L.G_A_BSTRIDE, m * k);
  rt.set(d, L.G_B_KIND, L.OP_IM2COL);
  rt.set(d, L.G_B, px);
  rt.set(d, L.G_C_KIND, L.OP_CM);
  rt.set(d, L.G_C, py);
  rt.set(d, L.G_CONV, cv);
  rt.run(d, L.JOB_GEMM, tiles, gemmScratch(tune, nt), flops(G) * NS_PER_FLOP);
  if (bias !== undefined) {
    const pb = rt.addr(bias.data, 'conv2d');
    const channels = [1, G.o, 1, 1];
    const walk = collapse([shape, channels], shape);
    if (walk === null) throw new Error('wasm.conv2d: a rank-4 broadcast always collapses');
    binaryJob(ctx, L.BIN_ADD, walk, false, { a: py, b: pb, c: 0, out: py }, len);
  }
  return y;
}

/** `dx` of conv2d: dy `[N, O, HO, WO]`, w `[O, C/G, KH, KW]` → dx of shape `xShape`. */
export function conv2dBackpropInput(ctx: Ctx, dy: WTensor, w: WTensor, xShape: Shape, attrs: Conv2dAttrs): WTensor {
  if (!allF32(dy, w)) return ctx.js.conv2dBackpropInput(dy, w, xShape, attrs);
  const G = geometry(xShape, w.shape, attrs, 'conv2dBackpropInput');
  checkConvDy(dy.shape, G, 'conv2dBackpropInput', check);
  const len = sizeOf(xShape);
  const dx = empty(ctx, xShape);
  if (len === 0) return dx;
  const { rt, tune } = ctx;
  rt.begin();
  const pdy = rt.addr(dy.data, 'conv2dBackpropInput');
  const pw = rt.addr(w.data, 'conv2dBackpropInput');
  const pdx = dx.data.ptr;
  const cv = geometryBlock(ctx, G, attrs);
  const kk = G.kh * G.kw;
  const s = G.ho * G.wo;
  // Tile = (group, channels, images): about tune.nt·4 dcol columns and 128 dcol rows, and enough tiles.
  const ipt = Math.min(G.n, Math.max(1, Math.floor((tune.nt * 4) / s)));
  const cMax = Math.max(1, Math.min(G.cg, Math.floor(Math.max(tune.mt / 2, kk) / kk)));
  let cpt = Math.ceil(G.cg / Math.ceil(G.cg / cMax));
  const want = rt.threads > 1 ? 4 * rt.threads : 1;
  const tileCount = (c: number) => G.g * Math.ceil(G.cg / c) * Math.ceil(G.n / ipt);
  while (cpt > 1 && tileCount(cpt) < want) cpt = Math.ceil(cpt / 2);
  const cols = ipt * s;
  const bScratch = gemmScratch(tune, cols);
  rt.set(cv, L.CV_CPT, cpt);
  rt.set(cv, L.CV_IPT, ipt);
  rt.set(cv, L.CV_DX, pdx);
  rt.set(cv, L.CV_DCOL, roundUp(bScratch, 64));
  const d = rt.desc(L.G_WORDS);
  setBlocking(ctx, d, { m: G.cg * kk, n: G.n * s, k: G.og, batch: G.g, mt: cpt * kk, nt: cols });
  rt.set(d, L.G_A_KIND, L.OP_STRIDED);
  rt.set(d, L.G_A, pw);
  rt.set(d, L.G_A_RS, 1);
  rt.set(d, L.G_A_CS, G.cg * kk);
  rt.set(d, L.G_A_BSTRIDE, G.og * G.cg * kk);
  rt.set(d, L.G_B_KIND, L.OP_CM);
  rt.set(d, L.G_B, pdy);
  rt.set(d, L.G_CONV, cv);
  const scratch = roundUp(bScratch, 64) + cpt * kk * cols * 4;
  rt.run(d, L.JOB_CONV_DX, tileCount(cpt), scratch, flops(G) * NS_PER_FLOP);
  return dx;
}

/** `dw` of conv2d: x `[N, C, H, W]`, dy `[N, O, HO, WO]` → dw of shape `wShape`. */
export function conv2dBackpropFilter(ctx: Ctx, x: WTensor, dy: WTensor, wShape: Shape, attrs: Conv2dAttrs): WTensor {
  if (!allF32(x, dy)) return ctx.js.conv2dBackpropFilter(x, dy, wShape, attrs);
  const G = geometry(x.shape, wShape, attrs, 'conv2dBackpropFilter');
  checkConvDy(dy.shape, G, 'conv2dBackpropFilter', check);
  const len = sizeOf(wShape);
  const { rt, tune } = ctx;
  const m = G.og;
  const n = G.cg * G.kh * G.kw;
  const k = G.n * G.ho * G.wo;
  if (len === 0 || k === 0) return filled(ctx, wShape, 0);
  const dw = empty(ctx, wShape);
  rt.begin();
  const px = rt.addr(x.data, 'conv2dBackpropFilter');
  const pdy = rt.addr(dy.data, 'conv2dBackpropFilter');
  const pdw = dw.data.ptr;
  const cv = geometryBlock(ctx, G, attrs);
  const [mt, nt] = chooseTiles(tune, 1, G.g, m, n);
  // Split the reduction when the output has few tiles; the split depends on shapes only.
  const tilesMN = G.g * Math.ceil(m / mt) * Math.ceil(n / nt);
  const maxR = Math.max(1, Math.min(Math.floor(k / (4 * tune.kc)), Math.floor((4 << 20) / len)));
  const rlen = roundUp(Math.ceil(k / Math.min(maxR, Math.ceil(16 / tilesMN))), tune.kc);
  const r = Math.ceil(k / rlen);
  const target = r > 1 ? rt.alloc(r * len * 4) : pdw;
  const d = rt.desc(L.G_WORDS);
  const tiles = setBlocking(ctx, d, { m, n, k, batch: G.g, mt, nt, r, rlen });
  rt.set(d, L.G_A_KIND, L.OP_CM);
  rt.set(d, L.G_A, pdy);
  rt.set(d, L.G_B_KIND, L.OP_IM2COL_T);
  rt.set(d, L.G_B, px);
  rt.set(d, L.G_C_KIND, L.OP_STRIDED);
  rt.set(d, L.G_C, target);
  rt.set(d, L.G_C_LD, n);
  rt.set(d, L.G_C_BSTRIDE, m * n);
  rt.set(d, L.G_C_RSTRIDE, len);
  rt.set(d, L.G_CONV, cv);
  rt.run(d, L.JOB_GEMM, tiles, gemmScratch(tune, nt), flops(G) * NS_PER_FLOP);
  if (r > 1) {
    const sp = rt.desc(L.SP_WORDS);
    const chunk = Math.max(4, roundUp(Math.min(tune.chunk, len), 4));
    rt.set(sp, L.SP_SRC, target);
    rt.set(sp, L.SP_OUT, pdw);
    rt.set(sp, L.SP_LEN, len);
    rt.set(sp, L.SP_R, r);
    rt.set(sp, L.SP_CHUNK, chunk);
    rt.run(sp, L.JOB_SUM_PARTIALS, Math.ceil(len / chunk), 0, r * len * 0.5);
  }
  return dw;
}
