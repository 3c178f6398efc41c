/**
 * @file `tapenet reproduce`: the arguments it refuses, and each MNIST experiment's quick size (the CI
 * size) run in-process on the wasm backend, its numbers checked against a band.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { reproduceCommand } from '../src/commands/reproduce.js';
import { isPng, memoryIo, tempDir } from './helpers.js';

/** Runs `tapenet reproduce ...args`; resolves to the exit code and what it printed. */
async function reproduce(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await runCli(['reproduce', ...args], [reproduceCommand], io);
  return { code, out: io.out(), err: io.err() };
}

/** The fields of the experiments' results.json that the tests read (each experiment writes its own). */
type Results = {
  readonly models: readonly { readonly name: string; readonly mean: number[] }[];
  readonly shifts: number[];
  readonly directions: string[];
  readonly runs: readonly { readonly distortions: boolean; readonly testError: number }[];
  readonly configs: readonly { name: string; accuracy: number[]; gainPoints: number; gainCi95: number }[];
  readonly networks: readonly { readonly name: string; readonly accuracy: number }[];
  readonly outputSizes: string[][];
};

/** Runs experiment `name` at the quick size into a fresh folder; returns the folder and its results.json. */
async function quick(name: string, extra: string[] = []): Promise<{ dir: string; json: { results: Results } }> {
  const dir = tempDir(`reproduce-${name}`);
  // One wasm thread: the suite runs test files side by side on the machine's cores, and more threads than
  // cores only wait on each other.
  const r = await reproduce([name, '--quick', '--backend', 'wasm', '--threads', '1', '--out', dir, ...extra]);
  expect(r.err).not.toContain('error');
  expect(r.code).toBe(0);
  expect(r.out).toContain(`wrote ${join(dir, 'report.md')}`);
  return { dir, json: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) };
}

describe('tapenet reproduce: arguments', () => {
  it('lists the experiments in --help and when none or an unknown one is named', async () => {
    const help = await reproduce(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['mlp-vs-cnn', 'lenet5-1998', 'augmentation', 'network-sees', 'resnet20-cifar'])
      expect(help.out).toContain(name);
    const none = await reproduce([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('missing <experiment>: one of mlp-vs-cnn, lenet5-1998, augmentation');
    const unknown = await reproduce(['lenet6']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown experiment 'lenet6'; expected one of mlp-vs-cnn, lenet5-1998");
  });

  it('refuses bad flags with one line naming them', async () => {
    const cases: [string[], string][] = [
      [['mlp-vs-cnn', '--seed', 'one'], "--seed must be an integer ≥ 0, got 'one'"],
      [['mlp-vs-cnn', '--epochs', '0'], '--epochs must be an integer ≥ 1'],
      [['mlp-vs-cnn', '--backend', 'tpu'], '--backend must be one of wasm, reference, gpujs'],
      [['mlp-vs-cnn', '--quik'], "unknown option '--quik'"],
      [['mlp-vs-cnn', 'extra'], "unexpected argument 'extra'"],
      [['resnet20-cifar', '--quick'], 'resnet20-cifar needs --data DIR'],
      [['mlp-vs-cnn', '--data', '/tmp'], '--data is for the experiments that need it'],
    ];
    for (const [args, message] of cases) {
      const r = await reproduce(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(message);
    }
  });

  it('refuses a folder that already holds a reproduction', async () => {
    const dir = tempDir('reproduce-twice');
    writeFileSync(join(dir, 'report.md'), '# earlier\n');
    const r = await reproduce(['mlp-vs-cnn', '--quick', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('already holds a reproduction (report.md)');
  });
});

describe('tapenet reproduce: Ctrl-C', () => {
  it('stops after the current batch, writes no report and exits 130', async () => {
    const controller = new AbortController();
    controller.abort();
    const dir = tempDir('reproduce-interrupted');
    const io = memoryIo(controller.signal);
    const code = await runCli(['reproduce', 'lenet5-1998', '--quick', '--out', dir], [reproduceCommand], io);
    expect(code).toBe(130);
    expect(io.err()).toContain('interrupted while training LeNet-5: no report written');
    expect(existsSync(join(dir, 'report.md'))).toBe(false);
  });
});

describe('tapenet reproduce --quick', () => {
  it('mlp-vs-cnn: both models learn, shifts hurt the plain ones, the augmented CNN beats the plain MLP at 4 px', async () => {
    const { dir, json } = await quick('mlp-vs-cnn');
    const { models, shifts } = json.results;
    const at = (name: string, s: number): number => models.find((m) => m.name === name)!.mean[shifts.indexOf(s)]!;
    expect(at('LeNet-5', 0)).toBeGreaterThan(0.75);
    expect(at('MLP', 0)).toBeGreaterThan(0.85);
    expect(at('MLP', 8)).toBeLessThan(at('MLP', 0) - 0.5);
    expect(at('LeNet-5', 8)).toBeLessThan(at('LeNet-5', 0) - 0.5);
    expect(at('LeNet-5 + shifts', 4)).toBeGreaterThan(at('MLP', 4) + 0.1);
    expect(json.results.directions).toHaveLength(8);
    expect(isPng(join(dir, 'accuracy-vs-shift.png'))).toBe(true);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| model | 0 px | 2 px | 4 px | 6 px | 8 px |');
    expect(md).toContain('![Test accuracy (mean over the 8 directions)');
  });

  it('lenet5-1998: the paper-exact LeNet-5 trains by the 1998 schedule, with and without distortions', async () => {
    const { dir, json } = await quick('lenet5-1998');
    const [plain, distorted] = json.results.runs as [Results['runs'][0], Results['runs'][0]];
    expect(plain.distortions).toBe(false);
    expect(plain.testError).toBeLessThan(0.3);
    expect(distorted.testError).toBeLessThan(0.5);
    expect(isPng(join(dir, 'training-error.png'))).toBe(true);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('(paper: 0.95%)');
    expect(md).toContain('## Differences from the published recipe');
  });

  it('augmentation: every augmentation over 3 seeds, flips hurt digits, intervals from the seeds', async () => {
    const { dir, json } = await quick('augmentation');
    const { configs } = json.results;
    expect(configs.map((c) => c.name)).toEqual([
      'none',
      'crop',
      'flip',
      'translate',
      'rotate',
      'scale',
      'brightness',
      'contrast',
      'all',
    ]);
    const none = configs[0]!;
    expect(none.accuracy).toHaveLength(3);
    expect(none.accuracy.reduce((a, b) => a + b) / 3).toBeGreaterThan(0.7);
    expect(none.gainPoints).toBe(0);
    expect(configs.find((c) => c.name === 'flip')!.gainPoints).toBeLessThan(0);
    for (const c of configs.slice(1)) expect(c.gainCi95).toBeGreaterThan(0);
    expect(isPng(join(dir, 'gains.png'))).toBe(true);
  });

  it('network-sees: a page of pictures of two trained networks and the output-size table', async () => {
    const { dir, json } = await quick('network-sees');
    expect(json.results.networks.map((n) => n.name)).toEqual(['LeNet-5', 'small VGG']);
    expect(json.results.networks[0]!.accuracy).toBeGreaterThan(0.5);
    // (W − F + 2P)/S + 1 agrees with what conv2d gives, for every border, kernel and stride
    for (const row of json.results.outputSizes) {
      const size = Number(row[4]!.split('= ')[1]);
      expect(row[5], row.join(' ')).toBe(`${size}x${size}`);
    }
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    const pictures = [...md.matchAll(/\]\(([^)]+\.png)\)/g)].map((m) => m[1]!);
    expect(pictures).toEqual(
      expect.arrayContaining(['lenet5-filters.png', 'vgg-classes.png', 'lenet5-dream.png', 'edges-vertical-edge.png']),
    );
    for (const png of pictures) expect(existsSync(join(dir, png)) && isPng(join(dir, png)), png).toBe(true);
  });
});
