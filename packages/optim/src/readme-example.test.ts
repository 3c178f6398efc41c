/** @file The README's example, run as written (the README block must match the lines between the markers). */
import { readFileSync } from 'node:fs';
import { sub, sum, square, type Tensor, tensor, valueAndGrad } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { adam, applyUpdates, chain, clipByGlobalNorm, cosineDecaySchedule } from './index.js';

describe('README example', () => {
  it('fits w to [1, -2]', () => {
    // README:begin
    const target = tensor([1, -2]);
    const loss = (p: { w: Tensor }) => sum(square(sub(p.w, target)));

    const opt = chain(
      clipByGlobalNorm(1),
      adam({ lr: cosineDecaySchedule({ init: 0.1, totalSteps: 300, warmupSteps: 10 }) }),
    );
    let params = { w: tensor([0, 0]) };
    let state = opt.init(params);
    for (let step = 0; step < 300; step++) {
      const [, grads] = valueAndGrad(loss)(params);
      const [updates, next] = opt.update(grads, state, params);
      params = applyUpdates(params, updates);
      state = next;
    }
    const fitted = params.w.toArray(); // ≈ [1, -2]
    // README:end
    const [w0, w1] = fitted as number[];
    expect(w0).toBeCloseTo(1, 3);
    expect(w1).toBeCloseTo(-2, 3);
  });

  it('is the code shown in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const block = source.split('// README:begin\n')[1]!.split('    // README:end')[0]!;
    const shown = block
      .split('\n')
      .map((l) => l.replace(/^ {4}/, ''))
      .join('\n');
    expect(readme).toContain(shown.trim());
  });
});
