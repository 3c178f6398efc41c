/** @file LeNet-5 in jax-js (NCHW/OIHW, as tapenet), the same network, init and SGD; optionally under `jit`. */
import type * as Jax from '@jax-js/jax';
import { LENET_KEYS, LENET_LR, type LenetParams, type LenetTrainer, lenetInit } from '../data.js';

type JArray = Jax.Array;
type Params = { [K in keyof LenetParams]: JArray };

const SHAPES: { readonly [K in keyof LenetParams]: number[] } = {
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

/** A LeNet-5 SGD trainer on jax-js's default device; `jitStep` compiles forward+backward+update. */
export function jaxLenet(jax: typeof Jax, jitStep: boolean): LenetTrainer {
  const { numpy: np, lax, nn } = jax;
  const p0 = lenetInit();
  let params = Object.fromEntries(LENET_KEYS.map((k) => [k, np.array(p0[k]).reshape(SHAPES[k])])) as Params;

  // Every array argument is consumed exactly once (jax-js ownership rules).
  const pool = (x: JArray): JArray => lax.reduceWindow(x, (v) => np.max(v), [2, 2], [2, 2]);
  const loss = (p: Params, x: JArray, onehot: JArray): JArray => {
    const b = x.shape[0]!;
    let h = lax.convGeneralDilated(
      x,
      p.c1w,
      [1, 1],
      [
        [2, 2],
        [2, 2],
      ],
    );
    h = pool(nn.relu(h.add(p.c1b.reshape([1, 6, 1, 1]))));
    h = pool(nn.relu(lax.convGeneralDilated(h, p.c2w, [1, 1], 'VALID').add(p.c2b.reshape([1, 16, 1, 1]))));
    let z = h.reshape([b, 400]);
    z = nn.relu(np.matmul(z, p.f1w).add(p.f1b));
    z = nn.relu(np.matmul(z, p.f2w).add(p.f2b));
    const logits = np.matmul(z, p.f3w).add(p.f3b);
    return nn
      .logSoftmax(logits)
      .mul(onehot)
      .sum()
      .mul(-1 / b);
  };
  const step = (p: Params, x: JArray, onehot: JArray): [JArray, Params] => {
    const [l, g] = jax.valueAndGrad(loss)(jax.tree.ref(p), x, onehot);
    const next = jax.tree.map((pi: JArray, gi: JArray) => pi.sub(gi.mul(LENET_LR)), p, g as Params) as Params;
    return [l, next];
  };
  const compiled = jitStep ? jax.jit(step) : undefined;
  return {
    step: (xs, ys) => {
      const b = ys.length;
      const x = np.array(xs).reshape([b, 1, 28, 28]);
      const onehot = nn.oneHot(np.array(ys, { dtype: np.int32 }), 10);
      const [l, next] = compiled ? compiled(params, x, onehot) : step(params, x, onehot);
      params = next;
      return l.dataSync()[0]!;
    },
    params: () => LENET_KEYS.map((k) => params[k].ref.dataSync()),
    dispose: () => {
      jax.tree.dispose(params);
      compiled?.dispose();
    },
  };
}
