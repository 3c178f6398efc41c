/**
 * @file `--weights` and `--init-from`: a state dict written as PyTorch writes one (no tapenet metadata,
 * `{"format": "pt"}`, int64 counters) drives `eval`, `visualize` and a fine-tuning `train`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { key, type Tensor, treePaths } from '@tapenet/autodiff';
import { fromTypedArray, loadCheckpointOrThrow, saveCheckpoint, writeSafetensorsFile } from '@tapenet/train';
import { encodePng } from '@tapenet/vis';
import { paramAt, zoo } from '@tapenet/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, tempDir } from '../test/helpers.js';
import { evalCommand } from './commands/eval.js';
import { trainCommand } from './commands/train.js';
import { visualizeCommand } from './commands/visualize.js';

const dir = tempDir('weights');
const lenet = zoo.get('lenet5').init(key(11), [1, 28, 28]);
const weights = join(dir, 'lenet5.safetensors');

/** A state dict file of `trees` as `safetensors.torch.save_file` writes one. */
async function torchFile(path: string, trees: { params: unknown; state: unknown }): Promise<void> {
  const entries = [...treePaths(trees.params), ...treePaths(trees.state)].map(([name, t]) =>
    fromTypedArray(name, (t as Tensor).shape, (t as Tensor).data()),
  );
  await writeSafetensorsFile(path, entries, { format: 'pt' });
}

beforeAll(async () => {
  await torchFile(weights, lenet);
});

const run = async (command: typeof evalCommand, ...argv: string[]) => {
  const io = memoryIo();
  const code = await command.run([...argv, '--backend', 'reference'], io);
  return { code, out: io.out(), err: io.err() };
};

describe('--weights', () => {
  it('tapenet eval <model> --weights evaluates the zoo model with those weights', async () => {
    const r = await run(evalCommand, 'lenet5', '--weights', weights, '--dataset', 'mnist', '--test-size', '40');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(`^lenet5 \\(${weights}\\) on mnist test \\(40 images, reference \\(js\\)\\): accuracy`),
    );
  });

  it('refuses weights of another model, listing the keys', async () => {
    const other = join(dir, 'resnet20.safetensors');
    await torchFile(other, zoo.get('resnet20', { inChannels: 1 }).init(key(0), [1, 28, 28]));
    const r = await run(evalCommand, 'lenet5', '--weights', other, '--dataset', 'mnist', '--test-size', '4');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("does not match the model's state dict");
    expect(r.err).toContain('missing keys (9): conv1.bias, conv2.bias, conv2.weight, fc1.bias');
    expect(r.err).toContain('unexpected keys (115): bn1.bias, bn1.num_batches_tracked');
    expect(r.err).toContain('layer3.2.conv2.weight. mismatched (1): "conv1.weight": shape [16, 1, 3, 3] in the file');
  });

  it('needs --dataset, and a file that exists', async () => {
    expect((await run(evalCommand, 'lenet5', '--weights', weights)).err).toContain('--weights needs --dataset');
    const missing = await run(evalCommand, 'lenet5', '--weights', join(dir, 'nope'), '--dataset', 'mnist');
    expect(missing.err).toContain(`--weights: '${join(dir, 'nope')}' does not exist`);
  });

  it('tapenet visualize --model --weights draws what a run folder with the same weights draws', async () => {
    const runDir = tempDir('weights-run');
    const meta = { model: { name: 'lenet5', config: {} }, epoch: 1, extra: { settings: { dataset: 'mnist' } } };
    await saveCheckpoint(join(runDir, 'best.safetensors'), { ...lenet, meta });
    const out = join(dir, 'pictures');
    const a = await run(
      visualizeCommand,
      'features',
      '--layer',
      'conv2',
      '--model',
      'lenet5',
      '--weights',
      weights,
      '--dataset',
      'mnist',
      '--out',
      out,
    );
    expect(a.err).toBe('');
    expect(a.out).toBe(`wrote ${join(out, 'features-conv2.png')}\n`);
    const b = await run(visualizeCommand, 'features', '--layer', 'conv2', '--run', runDir);
    expect(b.code).toBe(0);
    expect(readFileSync(join(out, 'features-conv2.png'))).toEqual(
      readFileSync(join(runDir, 'vis', 'features-conv2.png')),
    );
  });

  it('tapenet visualize --model resnet18 --weights without --dataset: an ImageNet model on a picture of your own', async () => {
    const file = join(dir, 'resnet18.safetensors');
    await torchFile(file, zoo.get('resnet18').init(key(0), [3, 224, 224]));
    const png = join(dir, 'photo.png');
    writeFileSync(
      png,
      encodePng({ width: 40, height: 32, channels: 3, data: new Uint8Array(3840).map((_, i) => i % 251) }),
    );
    const out = join(dir, 'imagenet');
    const argv = ['--layer', 'layer1.0.conv1', '--model', 'resnet18', '--weights', file, '--out', out];
    const r = await run(visualizeCommand, 'features', ...argv, '--image', png);
    expect(r.err).toBe('');
    expect(r.out).toBe(`wrote ${join(out, 'features-layer1.0.conv1.png')}\n`);
    const noImage = await run(visualizeCommand, 'features', ...argv);
    expect(noImage.err).toContain('give --image FILE (or --dataset, whose test image --index picks)');
  });

  it('tapenet visualize refuses --run together with --weights, and --weights without --model', async () => {
    expect(
      (await run(visualizeCommand, 'filters', '--run', dir, '--model', 'lenet5', '--weights', weights)).err,
    ).toContain('give --run, or --model with --weights, not both');
    expect((await run(visualizeCommand, 'filters', '--weights', weights)).err).toContain(
      '--model and --weights go together',
    );
  });
});

describe('tapenet train --init-from', () => {
  it('fine-tunes from a state dict with another head: the backbone loads, the head keeps its initialisation', async () => {
    const fiveClasses = zoo.get('lenet5', { numClasses: 5 }).init(key(3), [1, 28, 28]);
    const file = join(dir, 'five.safetensors');
    await torchFile(file, fiveClasses);
    const out = join(dir, 'finetune');
    // A learning rate far below float32's resolution: one step leaves every weight bit-identical, so the
    // run's checkpoint shows exactly where training started.
    const r = await run(
      trainCommand,
      'lenet5',
      '--dataset',
      'mnist',
      '--init-from',
      file,
      '--lr',
      '1e-30',
      '--epochs',
      '1',
      '--batch-size',
      '32',
      '--train-size',
      '32',
      '--val-size',
      '0',
      '--test-size',
      '32',
      '--out',
      out,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`init from ${file}: loaded 8 tensors; skipped 2 that differ (`);
    expect(r.out).toContain('"fc3.weight": shape [5, 84] in the file, the model expects [10, 84]');
    const init = zoo.get('lenet5').init(key(0), [1, 28, 28]);
    const best = await loadCheckpointOrThrow(join(out, 'last.safetensors'), init);
    const at = (path: string) => paramAt(best.params, path);
    expect(at('conv1.weight').data()).toEqual(paramAt(fiveClasses.params, 'conv1.weight').data());
    expect(at('fc2.weight').data()).toEqual(paramAt(fiveClasses.params, 'fc2.weight').data());
    expect(at('fc3.weight').shape).toEqual([10, 84]);
  });

  it('refuses --init-from with --resume, and a file of which nothing matches', async () => {
    const both = await run(trainCommand, 'lenet5', '--dataset', 'mnist', '--init-from', weights, '--resume', weights);
    expect(both.err).toContain('--init-from starts a new run from given weights; --resume continues a run');
    const other = join(dir, 'unrelated.safetensors');
    await writeSafetensorsFile(other, [fromTypedArray('x', [1], new Float32Array(1))]);
    const none = await run(
      trainCommand,
      'lenet5',
      '--dataset',
      'mnist',
      '--init-from',
      other,
      '--epochs',
      '1',
      '--train-size',
      '8',
      '--val-size',
      '0',
      '--out',
      join(dir, 'none'),
    );
    expect(none.err).toContain(`--init-from: no tensor of '${other}' matches the model by name and shape`);
  });
});
