/**
 * @file Training in the page: a zoo model (LeNet-5 or the MLP), Adam, and one step written the way a user
 * of the packages writes it (forward, softmax cross-entropy, `valueAndGrad`, optimiser update). The state
 * lives on the active backend; `moveTo` copies it to another backend when the picker changes.
 */
import {
  dispose,
  isTensor,
  type Key,
  key,
  scope,
  setBackend,
  type Tensor,
  tensor,
  treeMap,
  valueAndGrad,
} from '@tapenet/autodiff';
import type { Backend } from '@tapenet/kernels';
import { softmaxCrossEntropy } from '@tapenet/layers';
import { adam, applyUpdates, type GradientTransformation, sgd } from '@tapenet/optim';
import { lenet5, type Model, type ModelParams, type ModelState, mlp } from '@tapenet/zoo';

export type ModelName = 'lenet5' | 'mlp';

/** The 'modern' LeNet-5 (conv1 and conv2 are the conv layers the page pictures), or the 784-128-10 MLP. */
export function makeModel(name: ModelName): Model {
  return name === 'lenet5' ? lenet5() : mlp({ hidden: [128] });
}

/** The arg-max class of each row of `[n, 10]` logits. */
export function argmaxRows(logits: Float32Array | Int32Array | Float64Array | Uint8Array, classes = 10): number[] {
  const out: number[] = [];
  for (let r = 0; r * classes < logits.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
    out.push(best);
  }
  return out;
}

/** A training run: model, params, Adam state, and the step counter. */
export class Trainer {
  readonly model: Model;
  readonly name: ModelName;
  params: ModelParams;
  state: ModelState;
  private opt: GradientTransformation<unknown>;
  private optState: unknown;
  steps = 0;

  /** Adam (lr 1e-3) by default; plain SGD where two backends' steps are compared (no sign-of-tiny-gradient steps). */
  constructor(name: ModelName, seed = 0, optimizer: 'adam' | 'sgd' = 'adam') {
    this.name = name;
    this.model = makeModel(name);
    const init = this.model.init(key(seed), [1, 28, 28]);
    this.params = init.params;
    this.state = init.state;
    this.opt = (optimizer === 'adam' ? adam({ lr: 1e-3 }) : sgd({ lr: 0.05 })) as GradientTransformation<unknown>;
    this.optState = this.opt.init(this.params);
  }

  /**
   * One step on `x` `[n·784]`, `y` `[n]`: returns the batch loss and the number of correct predictions.
   * The step runs in a scope (its intermediates are released when it returns) and the params, state and
   * optimiser state it replaced are released too, so wasm memory does not wait for the garbage collector.
   */
  step(x: Float32Array, y: Int32Array): { loss: number; correct: number } {
    const n = y.length;
    const k: Key = key(this.steps);
    const next = scope(() => {
      const xs = tensor(x, { shape: [n, 1, 28, 28] });
      const ys = tensor(y, { shape: [n] });
      const objective = (p: ModelParams) => {
        const out = this.model.apply(p, this.state, xs, { train: true, key: k });
        return [softmaxCrossEntropy(out.y, ys), { next: out.state, logits: out.y }] as const;
      };
      const [[loss, aux], grads] = valueAndGrad(objective, { hasAux: true })(this.params);
      const [updates, nextOpt] = this.opt.update(grads, this.optState, this.params);
      const params = applyUpdates(this.params, updates);
      return { params, state: aux.next, optState: nextOpt, loss: loss.item(), logits: aux.logits.data() };
    });
    dispose({ params: this.params, state: this.state, optState: this.optState }, { keep: next });
    this.params = next.params;
    this.state = next.state;
    this.optState = next.optState;
    this.steps++;
    const pred = argmaxRows(next.logits);
    let correct = 0;
    pred.forEach((p, i) => {
      correct += p === y[i] ? 1 : 0;
    });
    return { loss: next.loss, correct };
  }

  /** Logits `[n, 10]` in inference mode. */
  logits(x: Float32Array, n: number): Tensor {
    return this.model.apply(this.params, this.state, tensor(x, { shape: [n, 1, 28, 28] }), { train: false }).y;
  }

  /** Copies params and optimiser state onto `backend` and makes it the active one. */
  moveTo(backend: Backend): void {
    setBackend(backend);
    const copy = (t: unknown) => (isTensor(t) ? tensor(t.data(), { shape: t.shape }) : t);
    this.params = treeMap(copy, this.params);
    this.state = treeMap(copy, this.state);
    this.optState = treeMap(copy, this.optState);
  }
}
