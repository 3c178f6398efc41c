/**
 * The fused primitives on the wasm backend against the same maths composed from other ops on resident
 * tensors, forward and backward through autodiff, alternating samples in one process:
 * - batch norm in training mode: the `batchNorm` / `batchNormBackward` kernel pair against mean, sub,
 *   square, rsqrt, mul and add;
 * - conv2d's bias: added inside the conv kernel call against a separate broadcast `add`.
 * Run after `pnpm build`: `node scripts/bench-fused.mjs [--threads N]`. Shapes are ResNet-18-CIFAR's first
 * and last stage at batch 16 and LeNet-5's first conv at batch 64.
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
const sized = (shape, f) =>
  ad.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
    { shape },
  );

/** y = (x − μ)/√(σ² + eps)·w + b over every axis but 1, from ops. */
function bnComposite(x, w, b) {
  const axes = [0, 2, 3];
  const xc = ad.sub(x, ad.mean(x, axes, { keepDims: true }));
  const r = ad.rsqrt(ad.add(ad.mean(ad.square(xc), axes, { keepDims: true }), ad.scalar(eps)));
  const c = [1, x.shape[1], 1, 1];
  return ad.add(ad.mul(ad.mul(xc, r), ad.reshape(w, c)), ad.reshape(b, c));
}
const bnFused = (x, w, b) => ad.batchNorm(x, w, b, { eps }).y;

const convCase = (xShape, wShape, padding) => ({
  args: () => [sized(xShape, Math.sin), sized(wShape, (i) => Math.cos(i) * 0.1), sized([wShape[0]], Math.sin)],
  fused: (x, w, b) => ad.conv2d(x, w, { bias: b, padding }),
  composite: (x, w, b) => ad.add(ad.conv2d(x, w, { padding }), ad.reshape(b, [1, wShape[0], 1, 1])),
});
const bnCase = (shape) => ({
  args: () => [sized(shape, Math.sin), ad.ones([shape[1]]), ad.zeros([shape[1]])],
  fused: bnFused,
  composite: bnComposite,
});

const CASES = [
  ['batch norm', '[16, 64, 32, 32]', bnCase([16, 64, 32, 32])],
  ['batch norm', '[16, 512, 4, 4]', bnCase([16, 512, 4, 4])],
  ['conv2d + bias', 'x [64, 1, 28, 28], w [6, 1, 5, 5]', convCase([64, 1, 28, 28], [6, 1, 5, 5], 2)],
  ['conv2d + bias', 'x [16, 64, 32, 32], w [64, 64, 3, 3]', convCase([16, 64, 32, 32], [64, 64, 3, 3], 1)],
];

const med = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const rows = [];
for (const [name, shape, c] of CASES) {
  ad.withBackend(backend, () => {
    const args = c.args();
    // The cotangents of every input (the wasm backend is synchronous: they are computed on return).
    const step = (f) =>
      ad.scope(() => {
        const [y, pull] = ad.vjp(f, ...args);
        return pull(ad.onesLike(y));
      });
    const agree = ad.scope(() => {
      const [a, b] = [step(c.fused), step(c.composite)];
      return a.every((t, i) => ad.max(ad.abs(ad.sub(t, b[i]))).item() <= 1e-3 * Math.max(1, ad.max(ad.abs(t)).item()));
    });
    const times = { fused: [], composite: [] };
    for (let k = 0; k < 18; k++) {
      for (const kind of ['fused', 'composite']) {
        const t0 = performance.now();
        ad.scope(() => {
          step(c[kind]);
        });
        times[kind].push(performance.now() - t0);
      }
    }
    const f = med(times.fused.slice(3));
    const m = med(times.composite.slice(3));
    rows.push({ name, shape, fusedMs: f.toFixed(2), compositeMs: m.toFixed(2), ratio: (m / f).toFixed(2), agree });
  });
}
console.log(
  `fused primitives vs composites, forward + backward, wasm ${backend.mode}, medians of 15 alternating samples`,
);
console.table(rows);
backend.destroy();
