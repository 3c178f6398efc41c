/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { key, mul, random, sub, type Tensor, treeMap, valueAndGrad } from '@tapenet/autodiff';
import { softmaxCrossEntropy, summary } from '@tapenet/layers';
import { lenet5, resnet, stateDictShapes, zoo } from './index.js';

// Shape inference only: ResNet-50's 25,557,032 params are counted, never allocated.
const r50 = summary(resnet({ depth: 50 }), [3, 224, 224]);
console.log(r50.totals.params); // 25557032, as torchvision
const keys = stateDictShapes(zoo.get('resnet18'), [3, 224, 224]).map((e) => e.key);
console.log(keys.slice(0, 3)); // ['bn1.bias', 'bn1.weight', 'conv1.weight']: torchvision's state_dict keys

// Train LeNet-5 for a few steps on a fixed batch.
const net = lenet5(); // modern variant: 10 classes, input [1, 28, 28]
let { params, state } = net.init(key(0), zoo.info('lenet5').inputShape);
const x = random.normal(key(1), [8, 1, 28, 28]);
const labels = random.randint(key(2), [8], 0, 10);
const loss = (p: typeof params) => {
  const { y, state: next } = net.apply(p, state, x, { train: true });
  return [softmaxCrossEntropy(y, labels), next] as const;
};
const losses: number[] = [];
for (let step = 0; step < 5; step++) {
  const [[value, next], grads] = valueAndGrad(loss, { hasAux: true })(params);
  params = treeMap((p: Tensor, g: Tensor) => sub(p, mul(g, 0.05)), params, grads);
  state = next;
  losses.push(value.item()); // falls step by step
}
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  expect(r50.totals.params).toBe(25557032);
  expect(keys).toContain('layer2.0.downsample.0.weight');
  expect(keys.slice(0, 3)).toEqual(['bn1.bias', 'bn1.weight', 'conv1.weight']);
  expect(losses[4]).toBeLessThan(losses[0]!);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const code = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/zoo'");
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(code);
});

it('the README shows the current summary of every model it promises', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const name of ['lenet5', 'lenet5-original', 'alexnet', 'vgg16', 'resnet18', 'resnet50', 'resnet20']) {
    const table = summary(zoo.get(name), zoo.info(name).inputShape).table;
    expect(readme, name).toContain(table);
  }
});
