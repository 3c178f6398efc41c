/**
 * @file The rows: what runs, at which size, and how its work is counted. `--quick` (default) runs the
 * 'quick' rows; `--full` runs all. The 'smoke' scale shrinks every size so the test finishes in seconds.
 */
import type { ConvShape, Pass, PoolShape, Scale, Workload, ZooStepModel } from './types.js';
import { zooForwardFlops } from './zoo-models.js';

const LENET_CONV2: ConvShape = { n: 64, c: 6, o: 16, h: 14, w: 14, k: 5, pad: 0 };
const VGG_3X3: ConvShape = { n: 16, c: 64, o: 64, h: 32, w: 32, k: 3, pad: 1 };
const RESNET_STAGE3: ConvShape = { n: 16, c: 256, o: 256, h: 8, w: 8, k: 3, pad: 1 };
const LENET_POOL1: PoolShape = { n: 64, c: 6, h: 28, w: 28, k: 2 };
const VGG_POOL: PoolShape = { n: 16, c: 64, h: 32, w: 32, k: 2 };

const smallConv = (s: ConvShape): ConvShape => ({
  ...s,
  n: 2,
  c: Math.min(s.c, 4),
  o: Math.min(s.o, 4),
  h: Math.min(s.h, 8),
  w: Math.min(s.w, 8),
});
const smallPool = (s: PoolShape): PoolShape => ({ ...s, n: 2, c: 2, h: 8, w: 8 });

/** `2·M·N·K` */
const matmulFlops = (m: number, k: number, n: number): number => 2 * m * n * k;
/** `2·N·O·Ho·Wo·C·KH·KW` for one pass (forward, input grad or filter grad each cost the same). */
const convFlops = ({ n, c, o, h, w, k, pad }: ConvShape): number =>
  2 * n * o * (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1) * c * k * k;
/** `N·C·Ho·Wo·K·K` window reads forward; the backward adds one scattered gradient per output. */
const poolOps = ({ n, c, h, w, k }: PoolShape, pass: Pass): number => {
  const outs = n * c * Math.floor(h / k) * Math.floor(w / k);
  return outs * k * k + (pass === 'fwdbwd' ? outs : 0);
};

const passTitle = (p: Pass): string => (p === 'fwd' ? 'fwd' : 'fwd+bwd');

function conv(id: string, name: string, shape: ConvShape, pass: Pass, set: 'quick' | 'full', scale: Scale): Workload {
  const s = scale === 'smoke' ? smallConv(shape) : shape;
  return {
    id: `conv-${id}-${pass}`,
    title: `conv ${name} b${s.n} ${s.c}→${s.o} ${s.h}² k${s.k} ${passTitle(pass)}`,
    set,
    spec: { kind: 'conv', pass, shape: s },
    unit: 'GFLOP/s',
    work: convFlops(s) * (pass === 'fwd' ? 1 : 3),
    formula:
      pass === 'fwd'
        ? `2·N·O·Ho·Wo·C·KH·KW, x[${s.n},${s.c},${s.h},${s.w}] w[${s.o},${s.c},${s.k},${s.k}] pad ${s.pad}`
        : '3 × forward (y, dx and dw each cost one forward); read back y, dx, dw',
  };
}

function pool(id: string, name: string, shape: PoolShape, pass: Pass, set: 'quick' | 'full', scale: Scale): Workload {
  const s = scale === 'smoke' ? smallPool(shape) : shape;
  return {
    id: `maxpool-${id}-${pass}`,
    title: `maxpool ${name} b${s.n} ${s.c}ch ${s.h}² ${passTitle(pass)}`,
    set,
    spec: { kind: 'pool', pass, shape: s },
    unit: 'GFLOP/s',
    work: poolOps(s, pass),
    formula: `N·C·Ho·Wo·K·K comparisons${pass === 'fwdbwd' ? ' + N·C·Ho·Wo gradient adds' : ''}, x[${s.n},${s.c},${s.h},${s.w}] k ${s.k}`,
  };
}

function matmul(n: number, set: 'quick' | 'full', scale: Scale): Workload {
  const m = scale === 'smoke' ? Math.min(n, 8 * (n / 128)) : n;
  return {
    id: `matmul-${n}`,
    title: `matmul ${m}x${m}x${m}`,
    set,
    spec: { kind: 'matmul', m, k: m, n: m },
    unit: 'GFLOP/s',
    work: matmulFlops(m, m, m),
    formula: '2·M·N·K',
  };
}

/** Every row, in table order, at `scale`; `mnistImages` caps the epoch (60000 is the full training set). */
export function workloads(scale: Scale, mnistImages = 60000): Workload[] {
  const lenetBatch = scale === 'smoke' ? 4 : 64;
  const mnistBatch = scale === 'smoke' ? 4 : 64;
  const images = scale === 'smoke' ? Math.min(mnistImages, 8) : mnistImages;
  // One step of a zoo model stops at its next kernel call after this long (a timeout cell), so a slow
  // backend cannot hold the full run for minutes; 30 s is about ten times the wasm backend's ResNet-18 step.
  const zooTimeoutMs = scale === 'smoke' ? 60_000 : 30_000;
  const zoo = (id: string, title: string, model: ZooStepModel, name: string): Workload => {
    const batch = scale === 'smoke' ? 2 : 16;
    // Smoke: the same architecture at 1/16 of the channels (ResNet-18 base width 4, VGG-11 4…32 channels).
    const width = scale === 'smoke' ? 1 / 16 : 1;
    const gflop = (3 * zooForwardFlops({ model, width }) * batch) / 1e9;
    return {
      id,
      title: `${title} b${batch}`,
      set: 'full',
      spec: { kind: 'zoo-step', model, name, batch, width, timeoutMs: zooTimeoutMs },
      unit: 'img/s',
      work: batch,
      formula: `batch / step time: zoo.get('${model}')${width === 1 ? '' : ` at width ${width}`}, train-mode forward, softmax cross-entropy, backward, SGD on every parameter, loss and weights read back (≈ ${gflop >= 1 ? gflop.toFixed(1) : gflop.toFixed(3)} GFLOP a step: 3 × forward)`,
    };
  };
  return [
    matmul(128, 'quick', scale),
    matmul(512, 'quick', scale),
    matmul(1024, 'full', scale),
    conv('lenet2', 'LeNet-2', LENET_CONV2, 'fwd', 'quick', scale),
    conv('lenet2', 'LeNet-2', LENET_CONV2, 'fwdbwd', 'quick', scale),
    conv('vgg', 'VGG', VGG_3X3, 'fwd', 'quick', scale),
    conv('vgg', 'VGG', VGG_3X3, 'fwdbwd', 'full', scale),
    conv('resnet3', 'ResNet-s3', RESNET_STAGE3, 'fwd', 'full', scale),
    conv('resnet3', 'ResNet-s3', RESNET_STAGE3, 'fwdbwd', 'full', scale),
    pool('lenet1', 'LeNet-1', LENET_POOL1, 'fwd', 'quick', scale),
    pool('lenet1', 'LeNet-1', LENET_POOL1, 'fwdbwd', 'quick', scale),
    pool('vgg', 'VGG', VGG_POOL, 'fwd', 'full', scale),
    pool('vgg', 'VGG', VGG_POOL, 'fwdbwd', 'full', scale),
    {
      id: 'lenet5-step',
      title: `LeNet-5 train step b${lenetBatch}`,
      set: 'quick',
      spec: { kind: 'lenet-step', batch: lenetBatch },
      unit: 'img/s',
      work: lenetBatch,
      formula: 'batch / step time (forward, backward, SGD update, loss and weights read back)',
    },
    {
      id: 'lenet5-zoo-step',
      title: `LeNet-5 train step b${lenetBatch}, as users write it`,
      set: 'quick',
      spec: { kind: 'lenet-zoo-step', batch: lenetBatch },
      unit: 'img/s',
      work: lenetBatch,
      formula:
        "batch / step time: zoo.get('lenet5'), softmaxCrossEntropy, sgd and applyUpdates from @tapenet/optim, the step in scope, loss and weights read back (tapenet only)",
    },
    zoo('resnet18-cifar-step', 'ResNet-18-CIFAR train step', 'resnet18-cifar', 'ResNet-18-CIFAR'),
    zoo('vgg11-cifar-step', 'VGG-11-CIFAR train step', 'vgg11-cifar', 'VGG-11-CIFAR'),
    {
      id: 'mnist-epoch',
      title: `MNIST epoch LeNet-5 b${mnistBatch}`,
      set: 'full',
      spec: { kind: 'mnist-epoch', batch: mnistBatch, images },
      unit: 'img/s',
      work: Math.floor(images / mnistBatch) * mnistBatch,
      formula: 'images / epoch time, end to end: seeded shuffle, normalise, batch, train step per batch',
    },
  ];
}
