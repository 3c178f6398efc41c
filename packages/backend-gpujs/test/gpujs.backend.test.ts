/**
 * @file gpujs backend behaviour beyond conformance: mode selection never falls back silently, unsupported
 * dtypes and sizes are refused with clear errors, disposed tensors cannot be reused, GL tensors stay on the
 * device, and a training-sized workload (50 steps of conv + pool + matmul forward and backward) leaves the
 * counts of compiled kernels and live textures where the first step left them.
 */
import { type Conv2dAttrs, createBackend, type Shape, type KTensor as Tensor } from '@tapenet/kernels';
import { afterAll, describe, expect, it } from 'vitest';
// The kernels' shared test helpers (test-only, not published), as apps/cli's tests share train's.
import { type HostTensor, host, rand } from '../../kernels/test/arbitraries.js';
import { example } from '../../kernels/test/case.js';
import {
  createGpujsBackend,
  type GpujsBackend,
  type GpujsData,
  type GpujsMode,
  type GpujsRunMode,
  type GpujsStats,
  parseGpujsMode,
} from '../src/index.js';
import { isGlMode, unavailableReason } from '../src/modes.js';

type KTensor = Tensor<GpujsData>;

const glReason = unavailableReason('headlessgl');
const backends: GpujsBackend[] = [];
function make(mode: GpujsRunMode): GpujsBackend {
  const b = createGpujsBackend({ mode });
  backends.push(b);
  return b;
}
afterAll(() => {
  for (const b of backends) b.destroy();
});

describe('gpujs mode selection', () => {
  it('rejects an unknown mode, listing the valid ones', () => {
    expect(() => parseGpujsMode('cuda')).toThrow(/unknown mode 'cuda'.*headlessgl/);
    expect(() => createGpujsBackend({ mode: 'cuda' as GpujsMode })).toThrow(/unknown mode 'cuda'.*headlessgl/);
  });

  it("throws for 'webgl2' and 'webgl' in Node, pointing at 'headlessgl'", () => {
    expect(() => createGpujsBackend({ mode: 'webgl2' })).toThrow(/browser WebGL2.*headlessgl/);
    expect(() => createGpujsBackend({ mode: 'webgl' })).toThrow(/browser WebGL.*headlessgl/);
  });

  it("throws for 'webgpu', saying why", () => {
    expect(() => createGpujsBackend({ mode: 'webgpu' })).toThrow(/webgpu.*(navigator\.gpu|Promises)/);
  });

  it.skipIf(glReason === null)(
    'headlessgl without gl or a display throws what to install (runs only without them)',
    () => {
      expect(() => createGpujsBackend({ mode: 'headlessgl' })).toThrow(/xvfb-run|libglew-dev/);
    },
  );

  it("'gpu' runs the best mode available here and reports it", () => {
    const b = make('cpu');
    expect(b.mode).toBe('cpu');
    const best = createGpujsBackend({ mode: 'gpu' });
    backends.push(best);
    expect(best.mode).toBe(glReason === null ? 'headlessgl' : 'webasm');
  });

  it('is created explicitly: createBackend("gpujs") of @tapenet/kernels says to use this package', () => {
    const b = make('webasm');
    expect([b.name, b.mode]).toEqual(['gpujs', 'webasm']);
    expect(() => createBackend('gpujs')).toThrow(/install @tapenet\/backend-gpujs.*createGpujsBackend/);
  });
});

describe('gpujs refuses what float32 storage cannot hold', () => {
  const b = (): GpujsBackend => backends.find((x) => x.mode === 'cpu') ?? make('cpu');

  it('float64 uploads and casts', () => {
    expect(() => b().upload(new Float64Array([1]), [1])).toThrow(/float64 is not supported/);
    const x = b().upload(new Float32Array([1]), [1]);
    expect(() => b().kernels.cast(x, 'float64')).toThrow(/float64 is not supported/);
    expect(() => b().kernels.oneHot(b().upload(new Int32Array([0]), [1]), 2, 'float64')).toThrow(/float64/);
  });

  it('int32 values beyond ±2^24', () => {
    expect(() => b().upload(new Int32Array([2 ** 24 + 1]), [1])).toThrow(/2\^24/);
    expect(b().read(b().upload(new Int32Array([-(2 ** 24), 7]), [2]))).toEqual(new Int32Array([-(2 ** 24), 7]));
  });

  it('a disposed tensor', () => {
    const x = b().upload(new Float32Array([1, 2]), [2]);
    b().dispose(x);
    expect(() => b().kernels.unary('exp', x)).toThrow(/disposed/);
    expect(() => b().read(x)).toThrow(/disposed/);
  });

  it('indices out of range where they live on the host (cpu/webasm)', () => {
    const x = b().upload(new Float32Array([1, 2, 3]), [3]);
    const idx = b().upload(new Int32Array([3]), [1]);
    expect(() => b().kernels.takeAlongAxis(x, idx, 0)).toThrow(/index 3 outside \[0, 3\)/);
  });
});

/** NaN handling the reference specifies; GL modes leave it to the GLSL compiler (see the README). */
const NAN_EXAMPLES = [
  example('reduce max/min keep a NaN', (k, up) => {
    const x = up(host([1, Number.NaN, 3, 4, 5, 6], [2, 3]));
    return k.concat([k.reduce('max', x, [1]), k.reduce('min', x, [1])], 0);
  }),
  example('argmax and argmin return the first NaN', (k, up) => {
    const x = up(host([1, 9, Number.NaN, Number.NaN, 0, 2], [2, 3]));
    return k.concat([k.argReduce('argmax', x, 1), k.argReduce('argmin', x, 1)], 0);
  }),
  example('maxPool2d picks a NaN (its index and the NaN itself)', (k, up) => {
    const r = k.maxPool2d(up(host([1, 2, Number.NaN, 0], [1, 1, 2, 2])), {
      kernel: [2, 2],
      stride: [1, 1],
      padding: [0, 0, 0, 0],
      dilation: [1, 1],
    });
    return [r.values, r.indices];
  }),
  example('maximum, minimum and relu propagate NaN', (k, up) => {
    const a = up(host([Number.NaN, 1, -1], [3]));
    const b = up(host([0, Number.NaN, Number.NaN], [3]));
    return k.concat([k.binary('maximum', a, b), k.binary('minimum', a, b), k.unary('relu', a)], 0);
  }),
];

describe('gpujs NaN semantics in host modes', () => {
  for (const mode of ['cpu', 'webasm'] as const) {
    for (const c of NAN_EXAMPLES) it(`${mode}: ${c.title}`, () => c.check(make(mode), 0));
  }
});

describe.skipIf(glReason !== null)(`gpujs in a GL mode${glReason === null ? '' : ` [skipped: ${glReason}]`}`, () => {
  it('keeps results on the device as textures until read', () => {
    const b = make('headlessgl');
    const y = b.kernels.unary('exp', b.upload(new Float32Array([0, 1]), [2]));
    expect(y.data instanceof Float32Array).toBe(false);
    const [e0, e1] = b.read(y);
    expect([e0, e1]).toEqual([1, expect.closeTo(Math.E, 5)]);
  });

  it('refuses an output past the device limit before dispatch, never returning zeros', () => {
    const b = make('headlessgl');
    const one = b.upload(new Float32Array([1]), [1]);
    expect(() => b.kernels.broadcastTo(one, [2 ** 24 + 1])).toThrow(/exceeds this device's limit.*split/);
  });
});

/** One SGD step of a tiny conv → relu → maxpool → avgpool → dense → softmax net; returns new weights. */
function step(
  b: GpujsBackend,
  x: KTensor,
  labels: KTensor,
  w1: KTensor,
  w2: KTensor,
): { w1: KTensor; w2: KTensor; loss: number } {
  const k = b.kernels;
  const made: KTensor[] = [];
  const keep = <T extends KTensor>(t: T): T => {
    made.push(t);
    return t;
  };
  const as = (t: KTensor, shape: Shape): KTensor => ({ ...t, shape }); // reshape: same buffer, row-major
  const conv: Conv2dAttrs = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
  const pool = { kernel: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1] } as const;
  const avg = { ...pool, kernel: [1, 1], stride: [1, 1], countIncludePad: true } as const;
  const zero = keep(b.upload(new Float32Array([0]), []));
  const lr = keep(b.upload(new Float32Array([0.05]), []));
  const h = keep(k.conv2d(x, w1, conv)); // [4, 4, 12, 12]
  const r = keep(k.unary('relu', h));
  const pooled = k.maxPool2d(r, pool); // [4, 4, 6, 6] twice
  const idx = keep(pooled.indices);
  const p = keep(pooled.values);
  const a = keep(k.avgPool2d(as(p, [4, 4, 6, 6]), avg));
  const logits = keep(k.matmul(as(a, [4, 144]), w2, false, false)); // [4, 10]
  const logp = keep(k.logSoftmax(logits, 1));
  const onehot = keep(k.oneHot(labels, 10, 'float32'));
  const loss = keep(k.reduce('sum', keep(k.binary('mul', logp, onehot)), [0, 1]));
  const dlogits = keep(k.binary('sub', keep(k.softmax(logits, 1)), onehot));
  const dw2 = keep(k.matmul(as(a, [4, 144]), dlogits, true, false));
  const da = keep(k.matmul(dlogits, w2, false, true));
  const dp = keep(k.avgPool2dBackward(as(da, [4, 4, 6, 6]), [4, 4, 6, 6], avg));
  const dr = keep(k.scatterAddAlongAxis(as(dp, [4, 4, 36]), as(idx, [4, 4, 36]), 2, 144));
  const dh = keep(k.where(keep(k.compare('greater', h, zero)), as(dr, [4, 4, 12, 12]), zero));
  const dw1 = keep(k.conv2dBackpropFilter(x, dh, w1.shape, conv));
  keep(k.conv2dBackpropInput(dh, w1, x.shape, conv));
  const next1 = k.binary('sub', w1, keep(k.binary('mul', dw1, lr)));
  const next2 = k.binary('sub', w2, keep(k.binary('mul', dw2, lr)));
  const value = -b.read(loss)[0]!;
  for (const t of made) b.dispose(t);
  b.dispose(w1);
  b.dispose(w2);
  return { w1: next1, w2: next2, loss: value };
}

const LEAK_MODES: { mode: GpujsRunMode; skip: string | null }[] = [
  { mode: 'headlessgl', skip: glReason },
  { mode: 'cpu', skip: null },
];

describe('gpujs resources under a training workload', () => {
  for (const { mode, skip } of LEAK_MODES) {
    it.skipIf(skip !== null)(
      `${mode}: 50 steps leave kernels and textures where the warm-up left them${skip ? ` [skipped: ${skip}]` : ''}`,
      () => {
        const b = make(mode);
        const up = (t: HostTensor) => b.upload(t.values, t.shape);
        const x = up(rand([4, 1, 12, 12], 1));
        const labels = up(host([3, 1, 4, 1], [4], 'int32'));
        let w1 = up(rand([4, 1, 3, 3], 2, { lo: -0.5, hi: 0.5 }));
        let w2 = up(rand([144, 10], 3, { lo: -0.1, hi: 0.1 }));
        let s = step(b, x, labels, w1, w2);
        const first = s.loss;
        // Warm-up: step 1 compiles every kernel; in step 2 the weight-update kernels still have their step-1
        // outputs alive (the weights), so gpu.js gives each one a second output texture; from then on the
        // two alternate. Every later step must leave the counts exactly where step 2 left them.
        ({ w1, w2 } = s);
        s = step(b, x, labels, w1, w2);
        const warm = b.stats();
        expect(warm.kernels).toBeGreaterThan(10);
        if (isGlMode(mode)) {
          expect(warm.liveTextures).toBe(4); // x, labels, w1, w2
          expect(warm.glTextures).toBeGreaterThan(0);
        }
        const seen: GpujsStats[] = [];
        for (let i = 2; i < 50; i++) {
          ({ w1, w2 } = s);
          s = step(b, x, labels, w1, w2);
          seen.push(b.stats());
        }
        expect(seen).toEqual(seen.map(() => warm));
        expect(s.loss).toBeLessThan(first);
      },
    );
  }
});
