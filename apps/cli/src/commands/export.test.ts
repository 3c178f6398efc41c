/**
 * @file `tapenet export`: a zoo model with weights from a PyTorch-style state dict, and a run folder, to
 * ONNX files that ONNX Runtime (onnxruntime-node) runs with tapenet's outputs; bad command lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { key, random, type Tensor, treePaths } from '@tapenet/autodiff';
import { fromTypedArray, saveCheckpoint, writeSafetensorsFile } from '@tapenet/train';
import { zoo } from '@tapenet/zoo';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { memoryIo, tempDir } from '../../test/helpers.js';
import { exportCommand } from './export.js';

const dir = tempDir('export');

const run = async (...argv: string[]) => {
  const io = memoryIo();
  const code = await exportCommand.run([...argv, '--backend', 'reference'], io);
  return { code, out: io.out(), err: io.err() };
};

/** ONNX Runtime's logits for `x`, and the largest difference from `expected` over the largest logit. */
async function ortDifference(file: string, x: Tensor, expected: Tensor): Promise<number> {
  const session = await ort.InferenceSession.create(readFileSync(file));
  try {
    const feeds = { input: new ort.Tensor('float32', Float32Array.from(x.data()), [...x.shape]) };
    const y = (await session.run(feeds)).logits!;
    expect(y.dims).toEqual(expected.shape);
    const e = expected.data();
    const scale = Math.max(1, ...Array.from(e, Math.abs));
    return Math.max(...Array.from(y.data as Float32Array, (v, i) => Math.abs(v - e[i]!))) / scale;
  } finally {
    await session.release();
  }
}

describe('tapenet export', () => {
  it('a ResNet-18 with weights from a state dict: ONNX Runtime gives tapenet’s logits for any batch size', async () => {
    const model = zoo.get('resnet18');
    const trees = model.init(key(4), [3, 64, 64]);
    const weights = join(dir, 'resnet18.safetensors');
    const entries = [...treePaths(trees.params), ...treePaths(trees.state)].map(([name, t]) =>
      fromTypedArray(name, (t as Tensor).shape, (t as Tensor).data()),
    );
    await writeSafetensorsFile(weights, entries, { format: 'pt' });
    const file = join(dir, 'resnet18.onnx');
    const r = await run('resnet18', '--weights', weights, '--input', '3,64,64', '--onnx', file);
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      new RegExp(
        `^wrote ${file} \\(\\d+ bytes\\): resnet18 from ${weights}, input \\[N, 3, 64, 64\\] → logits \\[N, 1000\\], opset 17\\n$`,
      ),
    );
    const x = random.normal(key(9), [3, 3, 64, 64]);
    const { y } = model.apply(trees.params, trees.state, x, { train: false });
    // The agreement bar of @tapenet/onnx's own tests: float32 sums in different orders, far below a mapping error.
    expect(await ortDifference(file, x, y as Tensor)).toBeLessThanOrEqual(1e-4);
  });

  it('a run folder brings its model, classes, input shape and weights', async () => {
    const runDir = tempDir('export-run');
    const trees = zoo.get('lenet5').init(key(2), [1, 28, 28]);
    const meta = {
      model: { name: 'lenet5', config: { numClasses: 10, inChannels: 1 } },
      epoch: 3,
      extra: { settings: { dataset: 'fashion-mnist' } },
    };
    await saveCheckpoint(join(runDir, 'best.safetensors'), { ...trees, meta });
    const file = join(dir, 'run.onnx');
    const r = await run(runDir, '--onnx', file);
    expect(r.err).toBe('');
    expect(r.out).toContain(`lenet5 from ${join(runDir, 'best.safetensors')}, input [N, 1, 28, 28] → logits [N, 10]`);
    const x = random.normal(key(1), [2, 1, 28, 28]);
    const { y } = zoo.get('lenet5').apply(trees.params, trees.state, x, { train: false });
    expect(await ortDifference(file, x, y as Tensor)).toBeLessThanOrEqual(1e-4);
  });

  it.each([
    [['lenet5'], 'missing --onnx <file>'],
    [['lenet6', '--onnx', 'x.onnx'], "'lenet6' is neither a zoo model nor a run folder or checkpoint"],
    [['lenet5', '--onnx', 'x.onnx', '--input', '1,28'], '--input must be three positive integers C,H,W'],
    [['lenet5', '--onnx', 'x.onnx', '--opset', '11'], 'opset: 11 is not supported; expected an integer from 13 to 17'],
    [[dir, '--onnx', 'x.onnx', '--weights', 'w.safetensors'], '--weights and --classes go with a zoo model'],
  ])('%j fails: %s', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(message);
  });
});
