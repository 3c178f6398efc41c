/**
 * Batch norm in training mode, forward and backward, on the wasm backend: the fused kernel pair against
 * the same maths composed from elementwise and reduction ops on resident tensors, alternating samples in
 * one process. Run after `pnpm build`: `node scripts/bench-batchnorm.mjs [--threads N]`.
 * Shapes: the first and last stage of ResNet-18-CIFAR at batch 16.
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const ad = await import('../../autodiff/dist/index.js');
const { createWasmBackend } = await import('../dist/index.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const backend = createWasmBackend({ threads: arg('--threads', 2) });
const eps = 1e-5;

/** y = (x − μ)/√(σ² + eps)·w + b over every axis but 1, from ops. */
function composite(x, w, b) {
  const axes = [0, 2, 3];
  const mu = ad.mean(x, axes, { keepDims: true });
  const xc = ad.sub(x, mu);
  const v = ad.mean(ad.square(xc), axes, { keepDims: true });
  const c = x.shape[1];
  const r = ad.rsqrt(ad.add(v, ad.scalar(eps)));
  return ad.add(ad.mul(ad.mul(xc, r), ad.reshape(w, [1, c, 1, 1])), ad.reshape(b, [1, c, 1, 1]));
}
const fused = (x, w, b) => ad.batchNorm(x, w, b, { eps }).y;

const rows = [];
for (const shape of [
  [16, 64, 32, 32],
  [16, 512, 4, 4],
]) {
  ad.withBackend(backend, () => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = ad.tensor(
      Float32Array.from({ length: n }, (_, i) => Math.sin(i)),
      { shape },
    );
    const w = ad.ones([shape[1]]);
    const b = ad.zeros([shape[1]]);
    const g = ad.tensor(
      Float32Array.from({ length: n }, (_, i) => Math.cos(i)),
      { shape },
    );
    const step = (f) =>
      ad.scope(() => {
        const [, pull] = ad.vjp((xx, ww, bb) => f(xx, ww, bb), x, w, b);
        return pull(g).map((t) => t.data()[0]);
      });
    // Same numbers both ways (to float32 rounding), then time alternating.
    const a = step(fused);
    const c = step(composite);
    const agree = a.every((v, i) => Math.abs(v - c[i]) <= 1e-3 * Math.max(1, Math.abs(v)));
    const times = { fused: [], composite: [] };
    for (let k = 0; k < 3; k++) {
      step(fused);
      step(composite);
    }
    for (let k = 0; k < 15; k++) {
      for (const [name, f] of [
        ['fused', fused],
        ['composite', composite],
      ]) {
        const t0 = performance.now();
        step(f);
        times[name].push(performance.now() - t0);
      }
    }
    const med = (xs) => xs.sort((p, q) => p - q)[xs.length >> 1];
    rows.push({
      shape: `[${shape.join(', ')}]`,
      fusedMs: med(times.fused).toFixed(2),
      compositeMs: med(times.composite).toFixed(2),
      ratio: (med(times.composite) / med(times.fused)).toFixed(2),
      agree,
    });
  });
}
console.log(`batch norm forward + backward, wasm ${backend.mode}, medians of 15 alternating samples`);
console.table(rows);
backend.destroy();
