/**
 * @file `tapenet visualize`: every picture from a (randomly initialised) LeNet-5 run folder, layers nested
 * inside a CIFAR ResNet-20 by their dotted paths, and bad arguments.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { key } from '@tapenet/autodiff';
import { saveCheckpoint } from '@tapenet/train';
import { decodePng, encodePng, GLYPH_H, textWidth } from '@tapenet/vis';
import { zoo } from '@tapenet/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, tempDir } from '../../test/helpers.js';
import { visualizeCommand } from './visualize.js';

let dir = '';
let resnetDir = '';
/** A run folder holding a freshly initialised zoo model `name` trained "on" MNIST. */
async function runFolder(name: string): Promise<string> {
  const folder = tempDir('vis');
  const { params, state } = zoo.get(name, { numClasses: 10, inChannels: 1 }).init(key(0), [1, 28, 28]);
  await saveCheckpoint(join(folder, 'best.safetensors'), {
    params,
    state,
    meta: {
      model: { name, config: { numClasses: 10, inChannels: 1 } },
      epoch: 1,
      extra: { settings: { dataset: 'mnist' } },
    },
  });
  return folder;
}
beforeAll(async () => {
  dir = await runFolder('lenet5');
  resnetDir = await runFolder('resnet20');
});

const run = async (...argv: string[]) => {
  const io = memoryIo();
  const code = await visualizeCommand.run([...argv, '--backend', 'reference'], io);
  return { code, out: io.out(), err: io.err() };
};
const size = (file: string) => {
  const r = decodePng(new Uint8Array(readFileSync(file)));
  return [r.width, r.height];
};

describe('tapenet visualize', () => {
  it.each([
    [['filters'], 'filters-first.png'],
    [['filters', '--layer', 'conv2'], 'filters-conv2.png'],
    [['features', '--layer', 'conv1', '--index', '3'], 'features-conv1.png'],
    [['maximize', '--layer', 'relu2', '--channels', '0,5', '--steps', '2'], 'maximize-relu2.png'],
    [['maximize', '--layer', 'output', '--channels', '3-3', '--steps', '2'], 'maximize-output.png'],
    [['dream', '--layer', 'relu1', '--steps', '2'], 'dream-relu1.png'],
    [['edges', '--filter', 'laplacian', '--edge', 'crop'], 'edges-laplacian.png'],
  ])('%j writes vis/%s', async (argv, file) => {
    const r = await run(...argv, '--run', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${join(dir, 'vis', file)}\n`);
    expect(size(join(dir, 'vis', file))[0]).toBeGreaterThan(20);
  });

  it.each([
    [['features', '--layer', 'layer1.0.conv1'], 'features-layer1.0.conv1.png'],
    [['features', '--layer', 'layer3.2.bn2'], 'features-layer3.2.bn2.png'],
    [['maximize', '--layer', 'layer2.0.conv2', '--channels', '1', '--steps', '1'], 'maximize-layer2.0.conv2.png'],
    [['dream', '--layer', 'layer1.1', '--steps', '1'], 'dream-layer1.1.png'],
    [['filters', '--layer', 'layer2.0.conv1'], 'filters-layer2.0.conv1.png'],
  ])('resnet20: %j writes vis/%s', async (argv, file) => {
    const r = await run(...argv, '--run', resnetDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${join(resnetDir, 'vis', file)}\n`);
    expect(size(join(resnetDir, 'vis', file))[0]).toBeGreaterThan(20);
  });

  it('filters a PNG of your own with a custom kernel, at the documented sizes', async () => {
    const png = join(dir, 'mine.png');
    writeFileSync(png, encodePng({ width: 10, height: 6, channels: 1, data: new Uint8Array(60).map((_, i) => i * 4) }));
    const r = await run(
      'edges',
      '--image',
      png,
      '--kernel',
      '1,0,-1;2,0,-2;1,0,-1',
      '--edge',
      'crop',
      '--scale',
      '1',
      '--run',
      dir,
    );
    expect(r.code).toBe(0);
    // a title, then two tiles (input 10 x 6 and crop 8 x 4) side by side in cells as wide as 'INPUT 6X10'
    expect(existsSync(join(dir, 'vis', 'edges-custom.png'))).toBe(true);
    expect(size(join(dir, 'vis', 'edges-custom.png'))).toEqual([
      2 * (textWidth('INPUT 6X10') + 4) + 4,
      18 + 6 + GLYPH_H + 2 + 8,
    ]);
  });

  it.each([
    [[], /missing <filters\|features\|maximize\|dream\|edges>/],
    [['paint', '--run', '.'], /unknown picture 'paint'/],
    [['filters'], /missing --run <dir>/],
    [['features', '--run', 'RUN'], /missing --layer <path> for features/],
    [
      ['features', '--run', 'RUN', '--layer', 'conv9'],
      /--layer must be one of conv1, relu1, pool1, conv2, .*, fc3 or output; got 'conv9'$/,
    ],
    [['features', '--run', 'RUN', '--layer', 'fc1'], /--layer: 'fc1' gives 2-D activations/],
    [
      ['dream', '--run', 'RESNET', '--layer', 'layer1.0.conv3'],
      /--layer must be one of conv1, bn1, relu, layer1\.0\.conv1, .*layer1\.0, .*, fc or output; got 'layer1\.0\.conv3'$/,
    ],
    [['maximize', '--run', 'RUN', '--layer', 'conv1', '--channels', 'x'], /--channels must look like 0-7/],
    [['edges', '--run', 'RUN', '--kernel', '1,2;3'], /--kernel must be rows of numbers/],
    [['edges', '--run', 'RUN', '--edge', 'wrap'], /--edge must be one of extend, zero, crop, all/],
    [['filters', '--run', '/no/such/run'], /--run: '\/no\/such\/run' is not a folder/],
    [['filters', '--bogus'], /unknown option '--bogus'/],
  ])('%j is a usage error (exit 2, one line + usage)', async (argv, message) => {
    const r = await run(...argv.map((a) => (a === 'RUN' ? dir : a === 'RESNET' ? resnetDir : a)));
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(message);
    expect(r.err).toContain('Usage: tapenet visualize');
  });

  it('prints its usage with --help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('tapenet visualize <filters|features|maximize|dream|edges> --run <dir>');
  });
});
