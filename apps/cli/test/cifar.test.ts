/** @file CIFAR-10 through the same command: ResNet-20 end to end on synthetic files in the CIFAR binary format. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { key, random } from '@tapenet/autodiff';
import { serializeCifar10 } from '@tapenet/datasets';
import { readCheckpointOrThrow } from '@tapenet/train';
import { expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { evalCommand } from '../src/commands/eval.js';
import { trainCommand } from '../src/commands/train.js';
import { isPng, memoryIo, tempDir } from './helpers.js';

/** `n` random 3x32x32 images with labels cycling through the 10 classes. */
const cifarBatch = (n: number, seed: number) => ({
  images: Uint8Array.from(random.randint(key(seed), [n * 3072], 0, 256).data()),
  labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
});

it('trains CIFAR ResNet-20 on synthetic CIFAR-10 files and evaluates it', async () => {
  const data = tempDir('cifar-data');
  for (let b = 1; b <= 5; b++) writeFileSync(join(data, `data_batch_${b}.bin`), serializeCifar10(cifarBatch(6, b)));
  writeFileSync(join(data, 'test_batch.bin'), serializeCifar10(cifarBatch(10, 9)));
  const out = tempDir('cifar-run');
  const io = memoryIo();
  const args = ['resnet20', '--dataset', 'cifar10', '--data-dir', data, '--epochs', '1', '--batch-size', '10'];
  const code = await runCli(['train', ...args, '--val-size', '10', '--out', out], [trainCommand], io);
  expect(io.err()).not.toContain('error');
  expect(code).toBe(0);
  expect(io.out()).toContain('20 train / 10 validation / 10 test');
  expect(io.out()).toContain('augment crop-flip');
  for (const png of ['loss.png', 'accuracy.png', 'confusion.png', 'filters.png'])
    expect(isPng(join(out, png)), png).toBe(true);
  const best = await readCheckpointOrThrow(join(out, 'best.safetensors'));
  expect(best.meta.model).toEqual({ name: 'resnet20', config: { numClasses: 10, inChannels: 3 } });
  expect(best.parsed.tensors.has('layer3.2.bn2.running_var')).toBe(true);

  const evalIo = memoryIo();
  expect(await runCli(['eval', out], [evalCommand], evalIo)).toBe(0);
  expect(evalIo.out()).toMatch(/resnet20 .* on cifar10 test \(10 images/);
});
