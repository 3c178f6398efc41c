/**
 * @file On the wasm backend tensors stay in wasm memory through a whole training step: one
 * ResNet-18-CIFAR step copies the batch in and, when they are read, the loss and the parameters out,
 * and nothing else crosses between JavaScript and wasm.
 */
import { getBackend, key, scope, type Tensor, tensor, treeLeaves, valueAndGrad, withBackend } from '@tapenet/autodiff';
import { softmaxCrossEntropy } from '@tapenet/layers';
import { applyUpdates, sgd } from '@tapenet/optim';
import { zoo } from '@tapenet/zoo';
import { expect, it } from 'vitest';

/** The wasm backend's copy counters (its `stats()`; typed here so this package needs no kernels import). */
type Copies = { readonly copiesIn: number; readonly copiesOut: number };
const copies = (): Copies => (getBackend() as unknown as { stats(): Copies }).stats();

it('one ResNet-18-CIFAR train step copies the batch in and the loss and parameters out, nothing else', () => {
  withBackend('wasm', () => {
    const model = zoo.get('resnet18-cifar');
    const batch = 2;
    const { params, state } = model.init(key(0), [3, 32, 32]);
    const optimizer = sgd({ lr: 0.01, momentum: 0.9 });
    const optState = optimizer.init(params);
    const xs = Float32Array.from({ length: batch * 3 * 32 * 32 }, (_, i) => Math.sin(i));
    const ys = Int32Array.from({ length: batch }, (_, i) => i % 10);
    const step = () =>
      scope(() => {
        const x = tensor(xs, { shape: [batch, 3, 32, 32] });
        const y = tensor(ys, { shape: [batch] });
        const objective = (p: typeof params) => {
          const out = model.apply(p, state, x, { train: true, key: key(1) });
          return [softmaxCrossEntropy(out.y, y), out.state] as const;
        };
        const [[loss, nextState], grads] = valueAndGrad(objective, { hasAux: true })(params);
        const [updates, nextOpt] = optimizer.update(grads, optState, params);
        return { loss, params: applyUpdates(params, updates), state: nextState, optState: nextOpt };
      });
    step(); // the first step may upload constants a model caches; the count is of a step like every other
    const before = copies();
    const r = step();
    const during = copies();
    expect(during.copiesIn - before.copiesIn).toBe(2); // x and y
    expect(during.copiesOut - before.copiesOut).toBe(0);
    expect(Number.isFinite(r.loss.item())).toBe(true);
    const leaves = treeLeaves(r.params) as Tensor[];
    for (const p of leaves) p.data();
    const after = copies();
    expect(after.copiesOut - during.copiesOut).toBe(1 + leaves.length);
    expect(after.copiesIn - during.copiesIn).toBe(0);
  });
});
