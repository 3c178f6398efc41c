/**
 * @file The tapenet runners release what a step replaced without changing what it computes: the same
 * losses and parameters with and without `scope`, and on wasm the heap's live bytes stay those of the
 * parameters (no step's intermediates left to the garbage collector), also through the step deadline.
 */
import { createBackend, reference, type WasmBackend } from '@tapenet/kernels';
import { describe, expect, test } from 'vitest';
import { lenetBatch } from '../data.js';
import { workloads } from '../workloads.js';
import { tapenetLenet } from './lenet.js';
import { prepareTapenet } from './impls.js';
import { prepareLenetZooStep } from './lenet-zoo.js';
import { prepareZooStep } from './zoo-step.js';

const run = (release: boolean): { losses: number[]; params: number[][] } => {
  const t = tapenetLenet(reference, { release });
  const { x, y } = lenetBatch(4);
  const losses = [0, 1, 2].map(() => t.step(x, y) as number);
  return { losses, params: t.params().map((p) => Array.from(p)) };
};

describe('releasing replaced tensors', () => {
  test('the hand-written LeNet-5 step computes the same with and without scope', () => {
    expect(run(true)).toEqual(run(false));
  });

  test('on wasm, live bytes stay flat from run to run: LeNet-5 steps (params only), kernel rows, zoo LeNet, ResNet-18 smoke', async () => {
    const wasm = createBackend('wasm', { threads: 1 }) as WasmBackend;
    try {
      const t = tapenetLenet(wasm);
      const { x, y } = lenetBatch(4);
      t.step(x, y);
      const live = wasm.stats().liveBytes;
      for (let i = 0; i < 3; i++) t.step(x, y);
      expect(wasm.stats().liveBytes).toBe(live);
      expect(live).toBeLessThan(2 * 61_706 * 4 + 64 * 1024);
      t.dispose();

      const smoke = workloads('smoke');
      const zooLenet = smoke.find((w) => w.id === 'lenet5-zoo-step')!.spec;
      const resnet = smoke.find((w) => w.id === 'resnet18-cifar-step')!.spec;
      if (zooLenet.kind !== 'lenet-zoo-step' || resnet.kind !== 'zoo-step') throw new Error('unexpected specs');
      // The kernel rows release each run's outputs too (a column would otherwise grow its wasm memory by
      // a run's outputs per run until the garbage collector ran).
      for (const w of smoke.filter((w) => /^(matmul|conv|maxpool)-/.test(w.id))) {
        const r = await prepareTapenet(wasm, w.spec);
        r.run();
        const after = wasm.stats().liveBytes;
        r.run();
        expect(wasm.stats().liveBytes, w.id).toBe(after);
        r.dispose();
      }
      for (const r of [prepareLenetZooStep(wasm, zooLenet), prepareZooStep(wasm, resnet)]) {
        const first = r.run() as readonly ArrayLike<number>[];
        const after = wasm.stats().liveBytes;
        const second = r.run() as readonly ArrayLike<number>[];
        expect(wasm.stats().liveBytes).toBe(after);
        expect(second[0]![0]).not.toBe(first[0]![0]);
        r.dispose();
      }
      expect(wasm.stats().liveBytes).toBe(0);
    } finally {
      wasm.destroy();
    }
  });
});
