/**
 * @file Batch normalisation with batch statistics, forward and backward, over x viewed as [N, C, L]:
 * channel c's values are the N runs of L contiguous floats at (b*C + c)*L. A tile takes whole channels,
 * so each tile owns its outputs. Each run is summed in f32x4 lanes and the runs' sums add up in float64;
 * the variance takes a second pass over x − μ (no cancellation of Σx² − nμ²).
 */
import { at, ld } from './mem';
import {
  BN_B,
  BN_C,
  BN_CHUNK,
  BN_DB,
  BN_DW,
  BN_DY,
  BN_EPS,
  BN_L,
  BN_MEAN,
  BN_N,
  BN_OUT,
  BN_VAR,
  BN_W,
  BN_X,
} from '../src/wasm/layout';

/** The second sum of `runDyDev` (Σ dy), read after the call (a global: each thread has its own). */
let runDySum: f64 = 0;

/** The four lanes of `v` added up. */
function lanes(v: v128): f64 {
  return (
    <f64>f32x4.extract_lane(v, 0) +
    <f64>f32x4.extract_lane(v, 1) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3))
  );
}

/** Σ x over the run of `l` floats at `x`. */
function runSum(x: usize, l: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= l; i += 4) acc = f32x4.add(acc, v128.load(at(x, i)));
  let s = lanes(acc);
  for (; i < l; i++) s += <f64>load<f32>(at(x, i));
  return s;
}

/** Σ (x − mu)² over the run. */
function runSqDev(x: usize, l: i32, mu: f32): f64 {
  const m = f32x4.splat(mu);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= l; i += 4) {
    const dv = f32x4.sub(v128.load(at(x, i)), m);
    acc = f32x4.add(acc, f32x4.mul(dv, dv));
  }
  let s = lanes(acc);
  for (; i < l; i++) {
    const dv = load<f32>(at(x, i)) - mu;
    s += <f64>(dv * dv);
  }
  return s;
}

/** y = (x − mu)·scale + shift over the run. */
function runAffine(x: usize, y: usize, l: i32, mu: f32, scale: f32, shift: f32): void {
  const m = f32x4.splat(mu);
  const s = f32x4.splat(scale);
  const t = f32x4.splat(shift);
  let i = 0;
  for (; i + 4 <= l; i += 4) v128.store(at(y, i), f32x4.add(f32x4.mul(f32x4.sub(v128.load(at(x, i)), m), s), t));
  for (; i < l; i++) store<f32>(at(y, i), (load<f32>(at(x, i)) - mu) * scale + shift);
}

/** Σ dy·(x − mu) over the run; Σ dy goes to `runDySum`. */
function runDyDev(dy: usize, x: usize, l: i32, mu: f32): f64 {
  const m = f32x4.splat(mu);
  let acc = f32x4.splat(0);
  let accDy = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= l; i += 4) {
    const g = v128.load(at(dy, i));
    acc = f32x4.add(acc, f32x4.mul(g, f32x4.sub(v128.load(at(x, i)), m)));
    accDy = f32x4.add(accDy, g);
  }
  let s = lanes(acc);
  let sDy = lanes(accDy);
  for (; i < l; i++) {
    const g = load<f32>(at(dy, i));
    s += <f64>(g * (load<f32>(at(x, i)) - mu));
    sDy += <f64>g;
  }
  runDySum = sDy;
  return s;
}

/** dx = a·dy + b·(x − mu) + c over the run. */
function runDx(dy: usize, x: usize, dx: usize, l: i32, mu: f32, a: f32, b: f32, c: f32): void {
  const m = f32x4.splat(mu);
  const av = f32x4.splat(a);
  const bv = f32x4.splat(b);
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= l; i += 4) {
    const dev = f32x4.sub(v128.load(at(x, i)), m);
    v128.store(at(dx, i), f32x4.add(f32x4.add(f32x4.mul(av, v128.load(at(dy, i))), f32x4.mul(bv, dev)), cv));
  }
  for (; i < l; i++) store<f32>(at(dx, i), a * load<f32>(at(dy, i)) + b * (load<f32>(at(x, i)) - mu) + c);
}

/** Forward: μ, σ² (biased) and y = (x − μ)·weight/√(σ² + eps) + bias for the channels of tile `t`. */
export function batchNormTile(d: usize, t: i32): void {
  const n = ld(d, BN_N);
  const c = ld(d, BN_C);
  const l = ld(d, BN_L);
  const x = <usize>ld(d, BN_X);
  const y = <usize>ld(d, BN_OUT);
  const eps = <f64>load<f32>(<usize>ld(d, BN_EPS));
  const count = <f64>n * <f64>l;
  const c1 = min<i32>(c, (t + 1) * ld(d, BN_CHUNK));
  for (let ch = t * ld(d, BN_CHUNK); ch < c1; ch++) {
    let s: f64 = 0;
    for (let b = 0; b < n; b++) s += runSum(at(x, (b * c + ch) * l), l);
    const mu = <f32>(s / count);
    let q: f64 = 0;
    for (let b = 0; b < n; b++) q += runSqDev(at(x, (b * c + ch) * l), l, mu);
    const v = q / count;
    const scale = <f32>(<f64>load<f32>(at(<usize>ld(d, BN_W), ch)) / Math.sqrt(v + eps));
    const shift = load<f32>(at(<usize>ld(d, BN_B), ch));
    for (let b = 0; b < n; b++) {
      const e = (b * c + ch) * l;
      runAffine(at(x, e), at(y, e), l, mu, scale, shift);
    }
    store<f32>(at(<usize>ld(d, BN_MEAN), ch), mu);
    store<f32>(at(<usize>ld(d, BN_VAR), ch), <f32>v);
  }
}

/**
 * Backward for the channels of tile `t`: with r = 1/√(σ² + eps), dBias = Σ dy, dWeight = r·Σ dy·(x − μ),
 * and dx = weight·r·(dy − (dBias + (x − μ)·r·dWeight)/n), which is linear in dy and x − μ per channel.
 */
export function batchNormBackTile(d: usize, t: i32): void {
  const n = ld(d, BN_N);
  const c = ld(d, BN_C);
  const l = ld(d, BN_L);
  const dy = <usize>ld(d, BN_DY);
  const x = <usize>ld(d, BN_X);
  const dx = <usize>ld(d, BN_OUT);
  const eps = <f64>load<f32>(<usize>ld(d, BN_EPS));
  const count = <f64>n * <f64>l;
  const c1 = min<i32>(c, (t + 1) * ld(d, BN_CHUNK));
  for (let ch = t * ld(d, BN_CHUNK); ch < c1; ch++) {
    const mu = load<f32>(at(<usize>ld(d, BN_MEAN), ch));
    const r = 1 / Math.sqrt(<f64>load<f32>(at(<usize>ld(d, BN_VAR), ch)) + eps);
    let sDyDev: f64 = 0;
    let sDy: f64 = 0;
    for (let b = 0; b < n; b++) {
      const e = (b * c + ch) * l;
      sDyDev += runDyDev(at(dy, e), at(x, e), l, mu);
      sDy += runDySum;
    }
    const dWeight = sDyDev * r;
    const k = <f64>load<f32>(at(<usize>ld(d, BN_W), ch)) * r;
    const a = <f32>k;
    const bc = <f32>((-k * r * dWeight) / count);
    const cc = <f32>((-k * sDy) / count);
    for (let b = 0; b < n; b++) {
      const e = (b * c + ch) * l;
      runDx(at(dy, e), at(x, e), at(dx, e), l, mu, a, bc, cc);
    }
    store<f32>(at(<usize>ld(d, BN_DW), ch), <f32>dWeight);
    store<f32>(at(<usize>ld(d, BN_DB), ch), <f32>sDy);
  }
}
