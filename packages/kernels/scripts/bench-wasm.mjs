/**
 * @file Quick GFLOP/s of the wasm backend (after `pnpm build`): matmul 256/512/1024 and conv2d forward and
 * both backward passes at the shape (batch 16, 64→64 channels, 32x32, 3x3, padding 1), on 1 thread
 * and on N threads, next to the reference backend where it finishes in reasonable time. A peak loop of
 * independent f32x4 multiply+add chains gives the ceiling of one core. Prints the load average, since the
 * machine may be shared. The real comparison with TensorFlow.js lives in apps/bench.
 *
 * Usage: node scripts/bench-wasm.mjs [--threads N] [--quick] [--only matmul|conv|peak]
 */
import { availableParallelism, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';

// Node 20 runs relaxed SIMD only behind this flag (later Node has it on): the backends then use their
// fused multiply-add build, as the CLI's do. Set before the kernels module is loaded.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const { createWasmBackend, reference } = await import('../dist/index.js');

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(arg('--threads', String(availableParallelism())));
const quick = args.includes('--quick');
const only = arg('--only', 'all');

const rand = (n, seed) => {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
};

/** Median seconds of `reps` timed runs after `warm` warm-up runs. */
function time(fn, reps, warm = 2) {
  for (let i = 0; i < warm; i++) fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const gf = (flops, s) => (flops / s / 1e9).toFixed(1).padStart(6);
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${load()}`);
const backends = [
  ['wasm 1 thread', createWasmBackend({ threads: 1 })],
  [`wasm ${N} threads`, createWasmBackend({ threads: N })],
];
// Let the workers start before timing.
await new Promise((r) => setTimeout(r, 300));

if (only === 'all' || only === 'peak') {
  const { peakFmaGflops, peakGflops } = await import('./peak-simd.mjs');
  console.log(`single-core f32x4 mul+add peak loop: ${peakGflops().toFixed(1)} GFLOP/s`);
  console.log(`single-core f32x4 relaxed_madd (FMA) peak loop: ${peakFmaGflops().toFixed(1)} GFLOP/s`);
}

if (only === 'all' || only === 'matmul') {
  for (const n of quick ? [256, 1024] : [256, 512, 1024]) {
    const a = rand(n * n, 1);
    const b = rand(n * n, 2);
    const flops = 2 * n * n * n;
    const row = [`matmul ${n}³`.padEnd(30)];
    for (const [name, be] of backends) {
      const ta = be.upload(a, [n, n]);
      const tb = be.upload(b, [n, n]);
      row.push(
        `${name}: ${gf(
          flops,
          time(() => be.kernels.matmul(ta, tb, false, false), n >= 1024 ? 5 : 10),
        )}`,
      );
    }
    if (n <= 256) {
      const ta = reference.upload(a, [n, n]);
      const tb = reference.upload(b, [n, n]);
      row.push(
        `reference: ${gf(
          flops,
          time(() => reference.kernels.matmul(ta, tb, false, false), 2, 1),
        )}`,
      );
    }
    console.log(`${row.join('  ')}  GFLOP/s`);
  }
}

if (only === 'all' || only === 'conv') {
  const attrs = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
  const shapes = [
    ['conv b16 64→64 32x32 3x3', [16, 64, 32, 32], [64, 64, 3, 3], [16, 64, 32, 32]],
    ...(quick
      ? []
      : [
          ['conv b16 128→128 16x16 3x3', [16, 128, 16, 16], [128, 128, 3, 3], [16, 128, 16, 16]],
          ['conv b16 512→512 4x4 3x3', [16, 512, 4, 4], [512, 512, 3, 3], [16, 512, 4, 4]],
          ['conv b64 6→16 14x14 5x5 (LeNet)', [64, 6, 14, 14], [16, 6, 5, 5], [64, 16, 10, 10]],
        ]),
  ];
  for (const [title, xs, ws, ys] of shapes) {
    const pad = ws[2] === 5 ? [0, 0, 0, 0] : [1, 1, 1, 1];
    const at = { ...attrs, padding: pad };
    const x = rand(
      xs.reduce((p, v) => p * v),
      3,
    );
    const w = rand(
      ws.reduce((p, v) => p * v),
      4,
    );
    const dy = rand(
      ys.reduce((p, v) => p * v),
      5,
    );
    const flops = 2 * ys.reduce((p, v) => p * v) * ws[1] * ws[2] * ws[3];
    for (const pass of ['forward', 'backprop input', 'backprop filter']) {
      const row = [`${title} ${pass}`.padEnd(48)];
      for (const [name, be] of backends) {
        const tx = be.upload(x, xs);
        const tw = be.upload(w, ws);
        const tdy = be.upload(dy, ys);
        const k = be.kernels;
        const run =
          pass === 'forward'
            ? () => k.conv2d(tx, tw, at)
            : pass === 'backprop input'
              ? () => k.conv2dBackpropInput(tdy, tw, xs, at)
              : () => k.conv2dBackpropFilter(tx, tdy, ws, at);
        row.push(`${name}: ${gf(flops, time(run, 5))}`);
      }
      console.log(`${row.join('  ')}  GFLOP/s`);
    }
  }
}

for (const [, be] of backends) be.destroy();
console.log(`load average at the end: ${load()}`);
