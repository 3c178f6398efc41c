/**
 * @file The `tapenet` executable end to end, as a real process on real files: a short LeNet-5 run on an
 * MNIST subset writes every artefact; `eval` agrees with it; Ctrl-C leaves a valid last checkpoint that
 * `--resume` continues; two processes on one run folder: one is refused; SIGTERM releases the folder's lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpointOrThrow } from '@tapenet/train';
import { describe, expect, it } from 'vitest';
import { isPng, memoryIo, requireBuilt, tempDir } from './helpers.js';
import { runCli } from '../src/cli.js';
import { evalCommand } from '../src/commands/eval.js';

type Exit = { code: number | null; stdout: string; stderr: string };

function tapenet(args: string[], onStderr?: (text: string, child: ChildProcess) => void): Promise<Exit> {
  const child = spawn(process.execPath, [requireBuilt(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const small = [
  '--dataset',
  'mnist',
  '--train-size',
  '640',
  '--val-size',
  '128',
  '--test-size',
  '256',
  '--batch-size',
  '64',
];

describe('tapenet train (real process)', () => {
  it('trains LeNet-5 on an MNIST subset and writes every artefact into the run folder', async () => {
    const out = tempDir('run');
    const r = await tapenet(['train', 'lenet5', ...small, '--epochs', '2', '--out', out]);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    // main.ts turns on relaxed SIMD (a V8 flag on Node 20), so the wasm backend runs its FMA build.
    expect(r.stdout).toMatch(/backend wasm \(simd-fma-\d+-threads?\)/);
    expect(r.stdout).toMatch(/epoch 1\/2 {2}loss \d\.\d{4} {2}acc [\d.]+% {2}val_loss/);
    expect(r.stdout).toMatch(/test accuracy [\d.]+% \(loss [\d.]+, 256 images\)/);
    expect(r.stderr).toMatch(/epoch 2\/2 \[#+\] 640\/640 {2}\d+ items\/s/); // the progress bar (non-TTY: sparse lines)
    for (const png of ['loss.png', 'accuracy.png', 'confusion.png', 'filters.png'])
      expect(isPng(join(out, png)), png).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.history).toHaveLength(2);
    expect(metrics.sizes).toEqual({ train: 640, validation: 128, test: 256 });
    expect(metrics.test.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(256);
    const best = await readCheckpointOrThrow(join(out, 'best.safetensors'));
    expect(best.meta.model).toEqual({ name: 'lenet5', config: { numClasses: 10, inChannels: 1 } });
    expect(best.parsed.tensors.get('conv1.weight')?.shape).toEqual([6, 1, 5, 5]);
    expect((await readCheckpointOrThrow(join(out, 'last.safetensors'))).meta.epoch).toBe(2);

    // eval on the run folder reproduces the test accuracy the run reported
    const io = memoryIo();
    expect(await runCli(['eval', out, '--test-size', '256'], [evalCommand], io)).toBe(0);
    expect(io.out()).toContain(`accuracy ${(100 * metrics.test.accuracy).toFixed(2)}%`);
  });

  it('Ctrl-C stops after the current batch with a valid last checkpoint (exit 130), and --resume finishes the run', async () => {
    const out = tempDir('sigint');
    let sent = false;
    const args = ['train', 'lenet5', ...small, '--train-size', '6400', '--epochs', '2', '--out', out];
    const r = await tapenet(args, (text, child) => {
      if (!sent && /epoch 1\/2 \[#/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`interrupted: saved ${join(out, 'last.safetensors')}`);
    const last = await readCheckpointOrThrow(join(out, 'last.safetensors'));
    expect(last.meta.progress).toMatchObject({ epoch: 0 });
    expect(existsSync(join(out, 'metrics.json'))).toBe(false); // no epoch finished

    const resumed = await tapenet([...args, '--resume', join(out, 'last.safetensors')]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/epoch 2\/2 .*\ntest accuracy/);
  });

  it('two processes given the same --out: one trains, the other is refused naming the holder', async () => {
    const out = tempDir('twice');
    const args = ['train', 'lenet5', ...small, '--train-size', '64', '--epochs', '1', '--backend', 'reference'];
    const [a, b] = await Promise.all([tapenet([...args, '--out', out]), tapenet([...args, '--out', out])]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    const [won, refused] = a.code === 0 ? [a, b] : [b, a];
    expect(refused.stderr).toMatch(/--out: '.*' is in use by another tapenet run \(pid \d+ on /);
    expect(refused.stdout).toBe('');
    expect(won.stdout).toMatch(/test accuracy/);
    expect(existsSync(join(out, '.tapenet.lock'))).toBe(false);
  });

  it('SIGTERM ends a run at once and still releases the run folder lock', async () => {
    const out = tempDir('sigterm');
    let sent = false;
    const args = ['train', 'lenet5', ...small, '--train-size', '6400', '--epochs', '1', '--out', out];
    const r = await tapenet(args, (text, child) => {
      if (!sent && /epoch 1\/1 \[#/.test(text)) {
        sent = true;
        expect(existsSync(join(out, '.tapenet.lock'))).toBe(true);
        child.kill('SIGTERM');
      }
    });
    expect(r.code).toBe(143);
    expect(existsSync(join(out, '.tapenet.lock'))).toBe(false);
  });
});
