/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { key, mul, random, sub, type Tensor, treeMap, treePaths, valueAndGrad } from '@tapenet/autodiff';
import { conv2d, dense, flatten, maxPool2d, relu, serial, summary } from './index.js';
import { accuracy, softmaxCrossEntropy } from './index.js';

const net = serial(conv2d({ out: 6, kernel: 5, padding: 2 }), relu, maxPool2d(2), flatten, dense(10));
const info = summary(net, [1, 28, 28]); // shape inference only: no tensors are made
console.log(info.table); // per-layer output shapes, parameter counts and FLOPs; 11,926 params

let { params, state } = net.init(key(0), [1, 28, 28]);
console.log(treePaths(params).map(([path]) => path)); // ['0.bias', '0.weight', '4.bias', '4.weight']

const x = random.normal(key(1), [8, 1, 28, 28]);
const labels = random.randint(key(2), [8], 0, 10);
const loss = (p: typeof params) => {
  const { y, state: next } = net.apply(p, state, x, { train: true, key: key(3) });
  return [softmaxCrossEntropy(y, labels), next] as const;
};
for (let step = 0; step < 30; step++) {
  const [[, next], grads] = valueAndGrad(loss, { hasAux: true })(params);
  params = treeMap((p: Tensor, g: Tensor) => sub(p, mul(g, 0.05)), params, grads);
  state = next;
}
const trained = accuracy(net.apply(params, state, x, { train: false }).y, labels); // 1: it memorises the 8 examples
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  expect(info.totals.params).toBe(11926);
  expect(trained).toBe(1);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const code = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/layers'");
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(code);
});
