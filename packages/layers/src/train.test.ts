/** @file End to end: a small conv net with batch norm learns a separable problem with plain SGD. */
import { key, mul, random, sub, type Tensor, tensor, treeMap, valueAndGrad } from '@tapenet/autodiff';
import { expect, it } from 'vitest';
import { accuracy, batchNorm, conv2d, dense, flatten, maxPool2d, relu, serial, softmaxCrossEntropy } from './index.js';

/** 6x6 images: class 0 has a vertical bar, class 1 a horizontal bar, at a random position, plus noise. */
function bars(n: number, seed: number): { x: Tensor; y: Tensor } {
  const pos = random.randint(key(seed), [n], 0, 6).data();
  const noise = random.normal(key(seed + 1), [n, 1, 6, 6], 0, 0.3, { dtype: 'float64' }).data();
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x = Float64Array.from(noise, (v, j) => {
    const [i, r, c] = [Math.floor(j / 36), Math.floor((j % 36) / 6), j % 6];
    const onBar = labels[i] === 0 ? c === pos[i] : r === pos[i];
    return v + (onBar ? 1 : 0);
  });
  return { x: tensor(x, { shape: [n, 1, 6, 6] }), y: tensor(labels) };
}

it('a small conv net reaches 100% training accuracy with plain SGD', () => {
  const net = serial(conv2d({ out: 4, kernel: 3 }), batchNorm(), relu, maxPool2d(2), flatten, dense(2));
  const { x, y } = bars(32, 1);
  const init = net.init(key(0), [1, 6, 6], { dtype: 'float64' });
  let { params, state } = init;
  const loss = (p: typeof params, s: typeof state, k: number) => {
    const out = net.apply(p, s, x, { train: true, key: key(k) });
    return [softmaxCrossEntropy(out.y, y), out.state] as const;
  };
  const first = loss(params, state, 0)[0].item();
  let acc = 0;
  for (let step = 0; step < 200 && acc < 1; step++) {
    const [[l, next], grads] = valueAndGrad(loss, { hasAux: true })(params, state, step);
    params = treeMap((p: Tensor, g: Tensor) => sub(p, mul(g, 0.2)), params, grads);
    state = next;
    expect(Number.isFinite(l.item())).toBe(true);
    if (step % 10 === 9) acc = accuracy(net.apply(params, state, x, { train: false }).y, y);
  }
  expect(acc).toBe(1);
  expect(loss(params, state, 0)[0].item()).toBeLessThan(first);
  expect(state[1].num_batches_tracked.item()).toBeGreaterThan(0);
});
