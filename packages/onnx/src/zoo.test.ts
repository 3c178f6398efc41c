/**
 * Every zoo model family exported to ONNX and run in ONNX Runtime, against tapenet's forward pass with
 * the same params (float32, eval mode, random batch-norm running statistics). The models run on the
 * wasm backend (the reference backend needs minutes for an ImageNet VGG); small models at batch 4,
 * ImageNet-size ones at batch 1 — neither is a batch size the exporter traced (2 and 3).
 */
import { type Shape, withBackend } from '@tapenet/autodiff';
import type { AnyLayer } from '@tapenet/layers';
import { lenet5, zoo } from '@tapenet/zoo';
import { afterAll, describe, expect, it } from 'vitest';
import { type Agreement, agreement, fastInit, ORT_BATCH, TOLERANCE } from '../test/helpers.js';

type Case = readonly [name: string, build: () => AnyLayer, inShape: Shape, batch: number];

const fromZoo = (name: string, batch = ORT_BATCH): Case => [
  name,
  () => zoo.get(name),
  zoo.info(name).inputShape,
  batch,
];

const CASES: readonly Case[] = [
  fromZoo('lenet5'),
  fromZoo('lenet5-original'),
  ['lenet5 original, dense output', () => lenet5({ variant: 'original', output: 'dense' }), [1, 32, 32], ORT_BATCH],
  fromZoo('mlp'),
  fromZoo('alexnet-cifar'),
  fromZoo('vgg11_bn-cifar'),
  fromZoo('resnet18-cifar'),
  fromZoo('resnet20'),
  fromZoo('alexnet', 1),
  fromZoo('resnet18', 1),
  fromZoo('vgg11', 1),
];

const results: [string, Agreement, number][] = [];

describe('zoo models exported to ONNX agree with tapenet in ONNX Runtime', () => {
  it.each(CASES)(
    '%s',
    async (name, build, inShape, batch) => {
      const t0 = performance.now();
      const a = await withBackend('wasm', () => {
        const model = build();
        const { params, state } = fastInit(model, inShape);
        return agreement(model, params, state, inShape, batch);
      });
      results.push([name, a, performance.now() - t0]);
      expect(a.dims[0]).toBe(batch);
      expect(a.spread).toBeGreaterThan(0);
      expect(a.rel).toBeLessThanOrEqual(TOLERANCE);
    },
    120_000,
  );
});

afterAll(() => {
  // One line per model for the record: relative difference, output spread, file size, time.
  for (const [name, a, ms] of results) {
    console.log(
      `${name}: rel ${a.rel.toExponential(2)}, spread ${a.spread.toPrecision(3)}, ${(a.bytes / 1e6).toFixed(1)} MB, ${(ms / 1000).toFixed(1)} s`,
    );
  }
});
