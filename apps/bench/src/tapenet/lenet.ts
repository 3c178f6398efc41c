/**
 * @file LeNet-5 written directly with @tapenet/autodiff ops (no layers/optim packages needed):
 * conv 1→6 5x5 pad 2, relu, maxpool 2, conv 6→16 5x5, relu, maxpool 2, dense 400→120→84→10,
 * softmax cross-entropy via logSoftmax, plain SGD. Each step runs inside `scope` (its batch, activations and
 * gradients are released when it returns) and releases the parameters it replaced, so a long run's wasm
 * memory does not wait for the garbage collector (`{ release: false }` leaves both to the collector, the
 * comparison `pnpm run rss --scope` makes).
 */
import {
  add,
  conv2d,
  dispose,
  logSoftmax,
  matmul,
  maxPool2d,
  mean,
  mul,
  neg,
  oneHot,
  relu,
  reshape,
  scope,
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

/** Options of `tapenetLenet`. */
export type TapenetLenetOptions = {
  /**
   * Run each step in `scope` and release the replaced parameters at once (default true); false leaves
   * every buffer to the FinalizationRegistry, i.e. to the garbage collector.
   */
  readonly release?: boolean;
};

/** A LeNet-5 SGD trainer whose tensors all live on `backend`. */
export function tapenetLenet(backend: Backend, options: TapenetLenetOptions = {}): LenetTrainer {
  const release = options.release ?? true;
  const init = lenetInit();
  let params = withBackend(backend, () => {
    const entries = LENET_KEYS.map((k) => [k, tensor(init[k], { shape: SHAPES[k] })] as const);
    return Object.fromEntries(entries) as Params;
  });
  const lossAndGrad = valueAndGrad(loss);
  /** One SGD step on the current params: the new params and the loss (read back). */
  const step = (xs: Float32Array, ys: Int32Array): { readonly next: Params; readonly loss: number } => {
    const b = ys.length;
    const x = tensor(xs, { shape: [b, 1, 28, 28] });
    const onehot = oneHot(tensor(ys, { shape: [b] }), 10);
    const [l, g] = lossAndGrad(params, x, onehot);
    const next = Object.fromEntries(LENET_KEYS.map((k) => [k, sub(params[k], mul(g[k], LENET_LR))])) as Params;
    return { next, loss: l.item() };
  };
  return {
    step: (xs, ys) =>
      withBackend(backend, () => {
        if (!release) {
          const r = step(xs, ys);
          params = r.next;
          return r.loss;
        }
        // The batch, activations and gradients go when the scope ends; the old params right after (this
        // trainer made them, the initial ones included, and hands them to no one).
        const r = scope(() => step(xs, ys));
        dispose(params, { keep: r.next });
        params = r.next;
        return r.loss;
      }),
    params: () => withBackend(backend, () => LENET_KEYS.map((k) => params[k].data())),
    dispose: () => dispose(params),
  };
}
