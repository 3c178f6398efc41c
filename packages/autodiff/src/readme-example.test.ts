/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { add, matmul, mean, mul, square, sub, tensor, valueAndGrad } from './index.js';

const xs = tensor([[0], [1], [2], [3]]);
const ys = tensor([[-1], [2], [5], [8]]);
let params = { w: tensor([[0]]), b: tensor([0]) };
const loss = (p: typeof params) => mean(square(sub(add(matmul(xs, p.w), p.b), ys)));
for (let step = 0; step < 500; step++) {
  const [, g] = valueAndGrad(loss)(params); // g mirrors params: { w, b }
  params = { w: sub(params.w, mul(g.w, 0.1)), b: sub(params.b, mul(g.b, 0.1)) };
}
params.w.item(); // ≈ 3
params.b.item(); // ≈ -1
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  expect(params.w.item()).toBeCloseTo(3, 4);
  expect(params.b.item()).toBeCloseTo(-1, 4);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const block = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/autodiff'");
  expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(block);
});
