/**
 * @file The ceiling of one core for WebAssembly SIMD, compiled with AssemblyScript at run time, two loops
 * with no memory traffic:
 * - multiply + add (plain SIMD128, no FMA): 6 independent f32x4 multiply chains and 6 independent add
 *   chains (13 live vectors, so V8 keeps them all in the 15 allocatable xmm registers). With two multiply
 *   and two add pipes a core does at most 16 flops per cycle.
 * - fused multiply-add (`f32x4.relaxed_madd`, relaxed SIMD): 12 independent chains, enough to cover the
 *   FMA latency on two pipes. Needs an engine with relaxed SIMD (Node 20 only with
 *   `--experimental-wasm-relaxed-simd`, which `peakFmaGflops` sets for this process).
 */
import { setFlagsFromString } from 'node:v8';
import asc from 'assemblyscript/asc';

const CHAINS = Array.from({ length: 12 }, (_, i) => i);
const SOURCE = `
export function peak(n: i32): f32 {
  const c = f32x4.splat(0.9999999);
  let m0 = f32x4.splat(1.0), m1 = f32x4.splat(1.1), m2 = f32x4.splat(1.2);
  let m3 = f32x4.splat(1.3), m4 = f32x4.splat(1.4), m5 = f32x4.splat(1.5);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  for (let i = 0; i < n; i++) {
    m0 = f32x4.mul(m0, c); m1 = f32x4.mul(m1, c); m2 = f32x4.mul(m2, c);
    m3 = f32x4.mul(m3, c); m4 = f32x4.mul(m4, c); m5 = f32x4.mul(m5, c);
    a0 = f32x4.add(a0, m0); a1 = f32x4.add(a1, m1); a2 = f32x4.add(a2, m2);
    a3 = f32x4.add(a3, m3); a4 = f32x4.add(a4, m4); a5 = f32x4.add(a5, m5);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5));
  return f32x4.extract_lane(s, 0);
}

export function peakFma(n: i32): f32 {
  const x = f32x4.splat(0.9999999);
  const y = f32x4.splat(1.0000001);
  ${CHAINS.map((i) => `let c${i} = f32x4.splat(${i / 10});`).join(' ')}
  for (let i = 0; i < n; i++) {
    ${CHAINS.map((i) => `c${i} = f32x4.relaxed_madd(c${i}, x, y);`).join(' ')}
  }
  let s = c0;
  ${CHAINS.slice(1)
    .map((i) => `s = f32x4.add(s, c${i});`)
    .join(' ')}
  return f32x4.extract_lane(s, 0);
}
`;

const { binary, error, stderr } = await asc.compileString(SOURCE, {
  optimizeLevel: 3,
  runtime: 'stub',
  enable: ['simd', 'relaxed-simd'],
});
if (error || binary === null) throw new Error(`peak-simd: ${error?.message}\n${stderr.toString()}`);
setFlagsFromString('--experimental-wasm-relaxed-simd');
const { peak, peakFma } = new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports;

/** Best GFLOP/s of `loop` over a few runs (`flops` per iteration). */
function best(loop, flops) {
  loop(1000);
  let out = 0;
  for (let r = 0; r < 5; r++) {
    const n = 20_000_000;
    const t0 = performance.now();
    loop(n);
    out = Math.max(out, (n * flops) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return out;
}

/** The multiply + add loop: 12 vector ops of 4 lanes, 48 flops per iteration. */
export const peakGflops = () => best(peak, 48);
/** The FMA loop: 12 fused multiply-adds of 4 lanes, 96 flops per iteration. */
export const peakFmaGflops = () => best(peakFma, 96);
