/**
 * @file LeNet-5 written directly with @tapenet/autodiff ops (no layers/optim packages needed):
 * conv 1→6 5x5 pad 2, relu, maxpool 2, conv 6→16 5x5, relu, maxpool 2, dense 400→120→84→10,
 * softmax cross-entropy via logSoftmax, plain SGD.
 */
import {
  add,
  conv2d,
  logSoftmax,
  matmul,
  maxPool2d,
  mean,
  mul,
  neg,
  oneHot,
  relu,
  reshape,
  sub,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
  withBackend,
} from '@tapenet/autodiff';
import type { Backend } from '@tapenet/kernels';
import { LENET_KEYS, LENET_LR, type LenetParams, type LenetTrainer, lenetInit } from '../data.js';

type Params = { readonly [K in keyof LenetParams]: Tensor };

const SHAPES: { readonly [K in keyof LenetParams]: readonly number[] } = {
  c1w: [6, 1, 5, 5],
  c1b: [6],
  c2w: [16, 6, 5, 5],
  c2b: [16],
  f1w: [400, 120],
  f1b: [120],
  f2w: [120, 84],
  f2b: [84],
  f3w: [84, 10],
  f3b: [10],
};

/** Logits `[B, 10]` for images `[B, 1, 28, 28]`. */
function forward(p: Params, x: Tensor): Tensor {
  let h = maxPool2d(relu(conv2d(x, p.c1w, { bias: p.c1b, padding: 2 })), 2);
  h = maxPool2d(relu(conv2d(h, p.c2w, { bias: p.c2b })), 2);
  h = reshape(h, [x.shape[0]!, 400]);
  h = relu(add(matmul(h, p.f1w), p.f1b));
  h = relu(add(matmul(h, p.f2w), p.f2b));
  return add(matmul(h, p.f3w), p.f3b);
}

/** Mean softmax cross-entropy: `-mean_b Σ_k onehot[b,k]·logSoftmax(logits)[b,k]`. */
const loss = (p: Params, x: Tensor, onehot: Tensor): Tensor =>
  neg(mean(sum(mul(onehot, logSoftmax(forward(p, x))), [1])));

/** A LeNet-5 SGD trainer whose tensors all live on `backend`. */
export function tapenetLenet(backend: Backend): LenetTrainer {
  const init = lenetInit();
  let params = withBackend(backend, () => {
    const entries = LENET_KEYS.map((k) => [k, tensor(init[k], { shape: SHAPES[k] })] as const);
    return Object.fromEntries(entries) as Params;
  });
  const lossAndGrad = valueAndGrad(loss);
  return {
    step: (xs, ys) =>
      withBackend(backend, () => {
        const b = ys.length;
        const x = tensor(xs, { shape: [b, 1, 28, 28] });
        const onehot = oneHot(tensor(ys, { shape: [b] }), 10);
        const [l, g] = lossAndGrad(params, x, onehot);
        const next = Object.fromEntries(LENET_KEYS.map((k) => [k, sub(params[k], mul(g[k], LENET_LR))]));
        params = next as Params;
        return l.item();
      }),
    params: () => withBackend(backend, () => LENET_KEYS.map((k) => params[k].data())),
    dispose: () => {},
  };
}
