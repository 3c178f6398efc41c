/**
 * @file The ceiling of one core for WebAssembly SIMD without FMA: a loop of 6 independent f32x4 multiply
 * chains and 6 independent f32x4 add chains (no memory traffic; 13 live vectors, so V8 keeps them all in
 * the 15 allocatable xmm registers), compiled with AssemblyScript at run time. With two multiply and two
 * add pipes a core does at most 16 flops per cycle.
 */
import asc from 'assemblyscript/asc';

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
`;

const { binary, error, stderr } = await asc.compileString(SOURCE, {
  optimizeLevel: 3,
  runtime: 'stub',
  enable: ['simd'],
});
if (error || binary === null) throw new Error(`peak-simd: ${error?.message}\n${stderr.toString()}`);
const { peak } = new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports;

/** Best GFLOP/s of the peak loop over a few runs (12 multiply or add vector ops: 48 flops per iteration). */
export function peakGflops() {
  peak(1000);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const n = 20_000_000;
    const t0 = performance.now();
    peak(n);
    best = Math.max(best, (n * 48) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return best;
}
