/**
 * @file The ResNet-18-CIFAR and VGG-11-CIFAR training steps on a tapenet backend: the model comes from
 * @tapenet/zoo (`zoo.get(name)`; the smoke scale builds the same architecture with narrower channels),
 * one step is forward in training mode (batch norm on batch statistics, its running stats carried to
 * the next step), softmax cross-entropy, backward through `valueAndGrad`, and a plain SGD update
 * `p ← p − lr·g` on every parameter. The loss and every updated parameter are read back. The step runs
 * inside `scope` (activations and gradients are released when it returns) and then releases the params
 * and batch-norm state it replaced, so the wasm memory of a step never waits for the garbage collector.
 */
import {
  dispose,
  key,
  mul,
  scope,
  sub,
  type Tensor,
  tensor,
  treeLeaves,
  treeMap,
  valueAndGrad,
  withBackend,
} from '@tapenet/autodiff';
import type { Backend } from '@tapenet/kernels';
import { softmaxCrossEntropy } from '@tapenet/layers';
import { labels, uniform } from '../data.js';
import { deadlineBackend } from '../deadline.js';
import type { Output, Runner, WorkloadSpec } from '../types.js';
import { ZOO_INPUT, zooModel } from '../zoo-models.js';

type ZooStepSpec = Extract<WorkloadSpec, { kind: 'zoo-step' }>;

/** Learning rate of the benchmarked SGD step (the value rarely matters for speed; 0.01 keeps it finite). */
export const ZOO_LR = 0.01;

/** The fixed batch of a zoo step: images `[B, 3, 32, 32]` in [-1, 1) (already normalised) and labels. */
export function zooBatch(batch: number): { readonly x: Float32Array; readonly y: Int32Array } {
  return { x: uniform(batch * ZOO_INPUT.reduce((a, b) => a * b, 1), 21), y: labels(batch, 22) };
}

/** Prepares the zoo step on `backend`; every step is limited to `spec.timeoutMs`. */
export function prepareZooStep(backend: Backend, spec: ZooStepSpec): Runner {
  const limit = deadlineBackend(backend);
  const on = <T>(f: () => T): T => withBackend(limit.backend, f);
  const model = zooModel(spec);
  const { x: xs, y: ys } = zooBatch(spec.batch);
  const init = on(() => {
    const { params, state } = model.init(key(0), [...ZOO_INPUT]);
    const x = tensor(xs, { shape: [spec.batch, ...ZOO_INPUT] });
    const y = tensor(ys, { shape: [spec.batch] });
    return { params, state, x, y };
  });
  const { x, y } = init;
  let { params, state } = init;
  const loss = (p: typeof params, s: typeof state): readonly [Tensor, typeof state] => {
    const out = model.apply(p, s, x, { train: true, key: key(1) });
    return [softmaxCrossEntropy(out.y, y), out.state] as const;
  };
  const lossAndGrad = valueAndGrad(loss, { hasAux: true });
  return {
    run: (): Output =>
      limit.within(spec.timeoutMs, () =>
        on(() => {
          const r = scope(() => {
            const [[value, next], grads] = lossAndGrad(params, state);
            const updated = treeMap((p: Tensor, g: Tensor) => sub(p, mul(g, ZOO_LR)), params, grads);
            return { params: updated, state: next, loss: value.item() };
          });
          // This runner made the old trees (the initial ones included) and handed them to no one.
          dispose({ params, state }, { keep: r });
          ({ params, state } = r);
          return [Float64Array.of(r.loss), ...treeLeaves(params).map((p) => (p as Tensor).data())];
        }),
      ),
    dispose: () => dispose({ params, state, x, y }),
  };
}
