/**
 * @file The interop round trip as a user makes it, through the command line: torchvision's ResNet-18
 * state dict (written by Debian's PyTorch) → `visualize` what it sees → `train --init-from` (fine-tune a
 * new 10-class head on CIFAR-10 files) → `eval` → `export --onnx` → ONNX Runtime's logits equal those of
 * the fine-tuned checkpoint loaded back into torchvision with `load_state_dict(strict=True)`.
 * Without PyTorch the suite shows as skipped with the reason (CI requires it: TAPENET_REQUIRE_TORCH=1).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { key, random, type Tensor } from '@tapenet/autodiff';
import { serializeCifar10 } from '@tapenet/datasets';
import { fromTypedArray, readSafetensorsFileOrThrow, toTypedArray, writeSafetensorsFile } from '@tapenet/train';
import { encodePng } from '@tapenet/vis';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { interop, torchMissing } from '../../../packages/train/test/torch/python.js';
import { runCli } from '../src/cli.js';
import { COMMANDS } from '../src/commands/index.js';
import { isPng, memoryIo, tempDir } from './helpers.js';

const missing = torchMissing();

const cli = async (...argv: string[]) => {
  const io = memoryIo();
  const code = await runCli([...argv, '--backend', 'wasm'], COMMANDS, io);
  expect(io.err(), argv.join(' ')).not.toContain('error');
  expect(code, io.err()).toBe(0);
  return io.out();
};

/** `n` random 3x32x32 images with labels cycling through the 10 classes, as a CIFAR-10 batch file. */
const cifarBatch = (n: number, seed: number) =>
  serializeCifar10({
    images: Uint8Array.from(random.randint(key(seed), [n * 3072], 0, 256).data()),
    labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
  });

describe.skipIf(missing !== null)(
  `from PyTorch to ONNX and back${missing === null ? '' : ` (skipped: ${missing})`}`,
  () => {
    it('visualise, fine-tune, evaluate and export torchvision weights; ONNX Runtime agrees with PyTorch', async () => {
      const dir = tempDir('roundtrip');
      const weights = join(dir, 'resnet18.safetensors');
      interop('write', 'resnet18', weights);

      const photo = join(dir, 'photo.png');
      writeFileSync(
        photo,
        encodePng({ width: 48, height: 40, channels: 3, data: new Uint8Array(5760).map((_, i) => (i * 7) % 256) }),
      );
      const vis = join(dir, 'vis');
      const drawn = await cli(
        'visualize',
        'features',
        '--model',
        'resnet18',
        '--weights',
        weights,
        '--layer',
        'layer1.0.conv1',
        '--image',
        photo,
        '--out',
        vis,
      );
      expect(drawn).toBe(`wrote ${join(vis, 'features-layer1.0.conv1.png')}\n`);
      expect(isPng(join(vis, 'features-layer1.0.conv1.png'))).toBe(true);

      const data = join(dir, 'cifar');
      mkdirSync(data);
      for (let b = 1; b <= 5; b++) writeFileSync(join(data, `data_batch_${b}.bin`), cifarBatch(8, b));
      writeFileSync(join(data, 'test_batch.bin'), cifarBatch(8, 9));
      const run = join(dir, 'run');
      const trained = await cli(
        'train',
        'resnet18',
        '--dataset',
        'cifar10',
        '--data-dir',
        data,
        '--init-from',
        weights,
        '--epochs',
        '1',
        '--batch-size',
        '8',
        '--val-size',
        '8',
        '--out',
        run,
      );
      expect(trained).toMatch(
        /init from .*resnet18\.safetensors: loaded 120 tensors; skipped 2 that differ \("fc\.bias"/,
      );
      expect(await cli('eval', run)).toMatch(/resnet18 .* on cifar10 test \(8 images/);

      const onnx = join(dir, 'resnet18-cifar10.onnx');
      expect(await cli('export', run, '--onnx', onnx)).toContain('input [N, 3, 32, 32] → logits [N, 10]');

      const x = random.normal(key(3), [2, 3, 32, 32]);
      const io = join(dir, 'io.safetensors');
      await writeSafetensorsFile(io, [fromTypedArray('input', x.shape, x.data() as Float32Array)]);
      const torchOut = join(dir, 'torch-logits.safetensors');
      interop('check', 'resnet18', join(run, 'best.safetensors'), io, torchOut, '10');
      const entry = (await readSafetensorsFileOrThrow(torchOut)).tensors.get('logits')!;
      const expected = toTypedArray(entry, 'F32');

      const session = await ort.InferenceSession.create(readFileSync(onnx));
      const feeds = { input: new ort.Tensor('float32', Float32Array.from((x as Tensor).data()), [2, 3, 32, 32]) };
      const got = (await session.run(feeds)).logits!.data as Float32Array;
      await session.release();
      const scale = Math.max(1, ...Array.from(expected, Math.abs));
      const worst = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i]!)));
      expect(worst / scale, 'max |ONNX Runtime − PyTorch| / max |logit|').toBeLessThanOrEqual(1e-4);
    });
  },
);
