/**
 * @file `tapenet reproduce resnet20-cifar --data DIR`: the ResNet-20 recipe smoke-tested on generated files in
 * the CIFAR-10 binary format, twice with one seed (the same numbers) and once with another.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { key, random } from '@tapenet/autodiff';
import { serializeCifar10 } from '@tapenet/datasets';
import { expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { reproduceCommand } from '../src/commands/reproduce.js';
import { isPng, memoryIo, tempDir } from './helpers.js';

/** `n` random 3x32x32 images with labels cycling through the 10 classes. */
const cifarBatch = (n: number, seed: number) => ({
  images: Uint8Array.from(random.randint(key(seed), [n * 3072], 0, 256).data()),
  labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
});

async function run(data: string, seed: number) {
  const out = tempDir('reproduce-cifar');
  const io = memoryIo();
  const args = [
    'reproduce',
    'resnet20-cifar',
    '--quick',
    '--threads',
    '1',
    '--data',
    data,
    '--seed',
    String(seed),
    '--out',
    out,
  ];
  const code = await runCli(args, [reproduceCommand], io);
  expect(io.err()).not.toContain('error');
  expect(code).toBe(0);
  return { out, json: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) };
}

it('runs the ResNet-20 recipe on CIFAR-format files, deterministically for a seed', async () => {
  const data = tempDir('reproduce-cifar-data');
  for (let b = 1; b <= 5; b++) writeFileSync(join(data, `data_batch_${b}.bin`), serializeCifar10(cifarBatch(6, b)));
  writeFileSync(join(data, 'test_batch.bin'), serializeCifar10(cifarBatch(10, 9)));
  const first = await run(data, 3);
  expect(first.json.results).toMatchObject({ trainSize: 30, testSize: 10, epochs: 1, batchSize: 16 });
  expect(first.json.results.testError).toBeGreaterThanOrEqual(0);
  expect(first.json.results.testError).toBeLessThanOrEqual(1);
  expect(isPng(join(first.out, 'training-error.png'))).toBe(true);
  const md = readFileSync(join(first.out, 'report.md'), 'utf8');
  expect(md).toContain('(paper: 8.75%)');
  expect(md).toContain('a smoke test, not a result');
  const again = await run(data, 3);
  expect(again.json.results).toEqual(first.json.results);
  const other = await run(data, 4);
  expect(other.json.results.trainLoss).not.toEqual(first.json.results.trainLoss);
});
