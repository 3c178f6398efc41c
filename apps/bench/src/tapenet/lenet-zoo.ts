/**
 * @file The LeNet-5 train step as tapenet users write it: the model from the registry
 * (`zoo.get('lenet5')`), `softmaxCrossEntropy` from @tapenet/layers on int32 labels, `sgd` from
 * @tapenet/optim (the hand-written step's learning rate) with `applyUpdates`, gradients from
 * `valueAndGrad`, each step inside `scope` and the replaced trees released. Same batch as the
 * hand-written `lenet5-step` row (`tapenet/lenet.ts`), made into tensors every step as there; the weights
 * start from `init(key(0))`, so the losses of the two rows differ.
 */
import { dispose, key, scope, type Tensor, tensor, treeLeaves, valueAndGrad, withBackend } from '@tapenet/autodiff';
import type { Backend } from '@tapenet/kernels';
import { softmaxCrossEntropy } from '@tapenet/layers';
import { applyUpdates, sgd } from '@tapenet/optim';
import { zoo } from '@tapenet/zoo';
import { LENET_LR, lenetBatch } from '../data.js';
import type { Output, Runner, WorkloadSpec } from '../types.js';

type LenetZooSpec = Extract<WorkloadSpec, { kind: 'lenet-zoo-step' }>;

/** Prepares the user-level LeNet-5 step on `backend`. */
export function prepareLenetZooStep(backend: Backend, spec: LenetZooSpec): Runner {
  const on = <T>(f: () => T): T => withBackend(backend, f);
  const net = zoo.get('lenet5');
  const opt = sgd({ lr: LENET_LR });
  const { x: xs, y: ys } = lenetBatch(spec.batch);
  const init = on(() => {
    const { params, state } = net.init(key(0), [1, 28, 28]);
    return { params, state, optState: opt.init(params) };
  });
  const { state } = init;
  let { params, optState } = init;
  type Params = typeof params;
  const loss = (p: Params, x: Tensor, y: Tensor): Tensor =>
    softmaxCrossEntropy(net.apply(p, state, x, { train: true }).y, y);
  const lossAndGrad = valueAndGrad(loss);
  return {
    run: (): Output =>
      on(() => {
        const r = scope(() => {
          const x = tensor(xs, { shape: [spec.batch, 1, 28, 28] });
          const y = tensor(ys, { shape: [spec.batch] });
          const [l, grads] = lossAndGrad(params, x, y);
          const [updates, nextOpt] = opt.update(grads, optState, params);
          return { params: applyUpdates(params, updates), optState: nextOpt, loss: l.item() };
        });
        // This runner made the old trees (the initial ones included) and handed them to no one.
        dispose({ params, optState }, { keep: r });
        ({ params, optState } = r);
        return [Float64Array.of(r.loss), ...treeLeaves(params).map((p) => (p as Tensor).data())];
      }),
    dispose: () => dispose({ params, optState, state }),
  };
}
