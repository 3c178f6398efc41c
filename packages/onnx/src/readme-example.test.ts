/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync, rmSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key, random } from '@tapenet/autodiff';
import { zoo } from '@tapenet/zoo';
import * as ort from 'onnxruntime-node';
import { exportOnnx, saveOnnx } from './index.js';

const net = zoo.get('resnet20'); // CIFAR ResNet-20, input [3, 32, 32]
const { params, state } = net.init(key(0), [3, 32, 32]);
const bytes = exportOnnx(net, params, state, { inShape: [3, 32, 32] }); // the .onnx file's bytes
const file = join(tmpdir(), 'resnet20.onnx');
await saveOnnx(file, net, params, state, { inShape: [3, 32, 32] }); // written atomically

// Any batch size runs: the graph's input is [N, 3, 32, 32], its output 'logits' [N, 10].
const x = random.normal(key(1), [5, 3, 32, 32]);
const session = await ort.InferenceSession.create(file);
const feeds = { input: new ort.Tensor('float32', x.data() as Float32Array, [5, 3, 32, 32]) };
const onnxLogits = (await session.run(feeds)).logits!.data as Float32Array;
const logits = net.apply(params, state, x, { train: false }).y.data();
const maxDiff = Math.max(...logits.map((v, i) => Math.abs(v - onnxLogits[i]!))); // ≈ 1e-7
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', async () => {
  expect(bytes.length).toBeGreaterThan(1e6);
  expect(readFileSync(file).length).toBe(bytes.length);
  expect(onnxLogits.length).toBe(50);
  expect(maxDiff).toBeLessThan(1e-5);
  await session.release();
  rmSync(file);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const code = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/onnx'");
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(code);
});
