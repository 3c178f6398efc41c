/**
 * @file convnetjs column: Karpathy's classic pure-JS CNN library (float64 Float64Arrays, one sample at a
 * time, HWC volumes). It has no batched tensors, so a batch is a loop over samples, matmul is a
 * fully-connected layer applied to M row vectors, and conv/fc layers always add their (zero) bias.
 */
import type { ConvNetJs, LayerDef, ParamLayer, Trainer, Vol } from 'convnetjs';
import { chwRowsToHwc, LENET_LR, type LenetTrainer, lenetInit, nchwToNhwc, oihwToOhwi, uniform } from '../data.js';
import { isModelSpec, modelRunner, noZooPort, tapenetOnly } from '../model-runner.js';
import type { Impl, Output, Runner, Unavailable, WorkloadSpec } from '../types.js';

const shortError = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Splits NHWC data into one volume per sample. */
function vols(cnn: ConvNetJs, nhwc: ArrayLike<number>, n: number, h: number, w: number, c: number): Vol[] {
  const size = h * w * c;
  return Array.from({ length: n }, (_, b) => {
    const v = new cnn.Vol(w, h, c, 0);
    for (let i = 0; i < size; i++) v.w[i] = nhwc[b * size + i]!;
    return v;
  });
}

/** Sets dense weights `[in, out]` (row order as the layer's input) and biases on an fc layer. */
function setDense(
  layer: ParamLayer,
  wt: ArrayLike<number>,
  bias: ArrayLike<number>,
  inputs: number,
  outputs: number,
): void {
  for (let j = 0; j < outputs; j++) {
    const f = layer.filters[j]!.w;
    for (let d = 0; d < inputs; d++) f[d] = wt[d * outputs + j]!;
    layer.biases.w[j] = bias[j]!;
  }
}

/** Sets OIHW filters and biases on a conv layer (convnetjs filters are OHWI). */
function setConv(
  layer: ParamLayer,
  oihw: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  o: number,
  c: number,
  k: number,
): void {
  const ohwi = oihwToOhwi(oihw, o, c, k, k);
  const size = k * k * c;
  for (let j = 0; j < o; j++) {
    layer.filters[j]!.w.set(ohwi.subarray(j * size, (j + 1) * size));
    layer.biases.w[j] = bias ? bias[j]! : 0;
  }
}

/** Forward over every sample, or (fwdbwd) forward and backward with the given output gradients per sample; groups y, dx(, dw). */
function perSample(
  layer: ParamLayer | { forward(v: Vol): Vol; backward(): void },
  xs: Vol[],
  dys: Vol[] | undefined,
): Output {
  if (dys === undefined) return [xs.map((v) => layer.forward(v).w)];
  if ('filters' in layer) for (const f of [...layer.filters, layer.biases]) f.dw.fill(0);
  const ys: Float64Array[] = [];
  const dxs: Float64Array[] = [];
  xs.forEach((v, i) => {
    const y = layer.forward(v);
    y.dw.set(dys[i]!.w);
    layer.backward();
    ys.push(y.w);
    dxs.push(v.dw);
  });
  return 'filters' in layer ? [ys, dxs, layer.filters.map((f) => f.dw)] : [ys, dxs];
}

function prepareConvnet(cnn: ConvNetJs, spec: WorkloadSpec): Runner | Promise<Runner> {
  if (isModelSpec(spec)) return modelRunner(spec, () => convnetLenet(cnn));
  const runner = (run: () => Output): Runner => ({ run, dispose: () => {} });
  switch (spec.kind) {
    case 'matmul': {
      const { m, k, n } = spec;
      const layer = new cnn.FullyConnLayer({ in_sx: 1, in_sy: 1, in_depth: k, num_neurons: n });
      setDense(layer, uniform(k * n, 2), new Float32Array(n), k, n);
      const rows = vols(cnn, uniform(m * k, 1), m, 1, 1, k);
      return runner(() => [rows.map((v) => layer.forward(v).w)]);
    }
    case 'conv': {
      const { n, c, o, h, w, k, pad } = spec.shape;
      const ho = h + 2 * pad - k + 1;
      const wo = w + 2 * pad - k + 1;
      const layer = new cnn.ConvLayer({ in_sx: w, in_sy: h, in_depth: c, sx: k, filters: o, stride: 1, pad });
      setConv(layer, uniform(o * c * k * k, 4), undefined, o, c, k);
      const xs = vols(cnn, nchwToNhwc(uniform(n * c * h * w, 3), n, c, h, w), n, h, w, c);
      const dys = vols(cnn, nchwToNhwc(uniform(n * o * ho * wo, 5), n, o, ho, wo), n, ho, wo, o);
      return runner(() => perSample(layer, xs, spec.pass === 'fwd' ? undefined : dys));
    }
    case 'pool': {
      const { n, c, h, w, k } = spec.shape;
      const ho = Math.floor(h / k);
      const wo = Math.floor(w / k);
      const layer = new cnn.PoolLayer({ in_sx: w, in_sy: h, in_depth: c, sx: k, stride: k });
      const xs = vols(cnn, nchwToNhwc(uniform(n * c * h * w, 6), n, c, h, w), n, h, w, c);
      const dys = vols(cnn, nchwToNhwc(uniform(n * c * ho * wo, 7), n, c, ho, wo), n, ho, wo, c);
      return runner(() => perSample(layer, xs, spec.pass === 'fwd' ? undefined : dys));
    }
    case 'zoo-step':
      throw new Error(noZooPort(spec.name, 'convnetjs'));
    case 'lenet-zoo-step':
      throw new Error(tapenetOnly('convnetjs'));
    case 'pending':
      throw new Error(spec.reason);
  }
}

/** LeNet-5 as a convnetjs Net trained by its own SGD Trainer (momentum 0, no decay), same init as tapenet. */
export function convnetLenet(cnn: ConvNetJs): LenetTrainer {
  const defs: LayerDef[] = [
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: 10 }, // convnetjs inserts the final fc 84→10 itself
  ];
  const net = new cnn.Net();
  net.makeLayers(defs);
  const layers = net.layers.filter((l): l is ParamLayer => l.layer_type === 'conv' || l.layer_type === 'fc');
  const [conv1, conv2, fc1, fc2, fc3] = layers;
  if (layers.length !== 5 || !conv1 || !conv2 || !fc1 || !fc2 || !fc3)
    throw new Error(`convnetjs LeNet: ${layers.length} param layers`);
  const p = lenetInit();
  setConv(conv1, p.c1w, p.c1b, 6, 1, 5);
  setConv(conv2, p.c2w, p.c2b, 16, 6, 5);
  setDense(fc1, chwRowsToHwc(p.f1w, 16, 5, 5, 120), p.f1b, 400, 120);
  setDense(fc2, p.f2w, p.f2b, 120, 84);
  setDense(fc3, p.f3w, p.f3b, 84, 10);
  const trainers = new Map<number, Trainer>();
  const trainerFor = (b: number): Trainer => {
    let t = trainers.get(b);
    if (t === undefined) {
      t = new cnn.Trainer(net, {
        method: 'sgd',
        learning_rate: LENET_LR,
        batch_size: b,
        momentum: 0,
        l1_decay: 0,
        l2_decay: 0,
      });
      trainers.set(b, t);
    }
    return t;
  };
  return {
    step: (xs, ys) => {
      const b = ys.length;
      const trainer = trainerFor(b);
      let total = 0;
      for (const [i, v] of vols(cnn, xs, b, 28, 28, 1).entries()) total += trainer.train(v, ys[i]!).cost_loss;
      return total / b;
    },
    params: () => layers.flatMap((l) => [...l.filters.map((f) => f.w), l.biases.w]),
    dispose: () => {},
  };
}

/** The convnetjs column, or why it cannot run here. */
export async function convnetImpls(): Promise<{ impls: Impl[]; unavailable: Unavailable[] }> {
  try {
    const cnn = (await import('convnetjs')).default;
    return {
      impls: [
        {
          id: 'convnetjs',
          family: 'peer',
          mode: 'js float64, per sample',
          notes: 'float64, HWC volumes, one sample at a time; matmul = fc layer over M rows',
          prepare: (spec) => prepareConvnet(cnn, spec),
        },
      ],
      unavailable: [],
    };
  } catch (e) {
    return { impls: [], unavailable: [{ id: 'convnetjs', reason: shortError(e) }] };
  }
}
