/**
 * @file The run folder and input guarantees of `tapenet train` (and the input checks of eval, export and
 * visualize), in-process on tiny MNIST runs on the reference backend: one run per folder (lock, stale-lock
 * take-over, refusal of a folder holding another run), resume checks, special files and pseudo-file systems
 * refused before anything blocks, permission errors named, orphan temporary files removed.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { key } from '@tapenet/autodiff';
import { saveCheckpoint } from '@tapenet/train';
import { describe, expect, it } from 'vitest';
import { memoryIo, tempDir } from './helpers.js';
import { runCli } from '../src/cli.js';
import { COMMANDS } from '../src/commands/index.js';
import { buildModel } from '../src/models.js';
import { LOCK_FILE } from '../src/run-lock.js';

const TINY = ['--dataset', 'mnist', '--train-size', '64', '--val-size', '32', '--test-size', '32'];
const BASE = [...TINY, '--batch-size', '32', '--epochs', '1', '--backend', 'reference', '--threads', '1'];

const run = async (argv: string[], signal?: AbortSignal) => {
  const io = memoryIo(signal);
  const code = await runCli(argv, COMMANDS, io);
  return { code, out: io.out(), err: io.err() };
};
const train = (out: string, ...more: string[]) => run(['train', 'lenet5', ...BASE, '--out', out, ...more]);

/** A finished one-epoch run, made once and copied by the tests that resume it. */
let finished: string | undefined;
async function finishedRun(): Promise<string> {
  if (finished === undefined) {
    const out = tempDir('finished');
    const r = await train(out);
    expect(r.code, r.err).toBe(0);
    finished = out;
  }
  return finished;
}

/** A copy of `from`'s checkpoint `which` (model and optimiser files) in a new folder. */
function copyCheckpoint(from: string, which: 'last' | 'best'): string {
  const to = tempDir('copy');
  for (const f of readdirSync(from).filter((n) => n.startsWith(`${which}.`))) copyFileSync(join(from, f), join(to, f));
  return to;
}

const fifo = (dir: string, name: string): string => {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
};

describe('one run per run folder', () => {
  it('two runs started together on the same --out: one trains, the other is refused', async () => {
    const out = tempDir('twice');
    const [a, b] = await Promise.all([train(out), train(out)]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    const refused = a.code === 2 ? a : b;
    expect(refused.err).toMatch(/--out: '.*' is in use by another tapenet run \(pid \d+ on .*\(this process\)/);
    expect(refused.out).toBe(''); // refused before it printed (or wrote) anything
    expect(existsSync(join(out, LOCK_FILE))).toBe(false); // released by the run that held it
  });

  it('refuses a folder that holds a finished run, naming its files and how to resume', async () => {
    const out = copyCheckpoint(await finishedRun(), 'last');
    const r = await train(out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out: '${out}' already holds a run (last.optimizer-`);
    expect(r.err).toContain(`--resume ${join(out, 'last.safetensors')}`);
  });

  it('takes over a stale lock (same host, dead pid), saying so, and releases it at the end', async () => {
    const out = tempDir('stale');
    const stale = { pid: 999_999_999, host: hostname(), started: '2020-01-01T00:00:00.000Z', token: 'dead' };
    writeFileSync(join(out, LOCK_FILE), JSON.stringify(stale));
    const r = await train(out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`took over the stale lock of '${out}' (pid 999999999 on ${hostname()}`);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('refuses a lock held on another host (its pid cannot be checked), saying which file to delete', async () => {
    const out = tempDir('remote');
    const other = { pid: 1, host: `not-${hostname()}`, started: '2020-01-01T00:00:00.000Z', token: 'x' };
    writeFileSync(join(out, LOCK_FILE), JSON.stringify(other));
    const r = await train(out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`in use by another tapenet run (pid 1 on not-${hostname()}`);
    expect(r.err).toContain(`delete ${join(out, LOCK_FILE)}`);
    expect(existsSync(join(out, LOCK_FILE))).toBe(true); // not ours to remove
  });

  it('releases the lock on Ctrl-C (abort) and on an error', async () => {
    const aborted = tempDir('abort');
    const controller = new AbortController();
    controller.abort();
    const r = await run(['train', 'lenet5', ...BASE, '--out', aborted], controller.signal);
    expect(r.code).toBe(130);
    expect(existsSync(join(aborted, LOCK_FILE))).toBe(false);
    const failed = tempDir('fail');
    const e = await train(failed, '--val-size', '70000'); // fails after the folder is claimed
    expect(e.code).toBe(2);
    expect(e.err).toContain('--val-size 70000 must be smaller');
    expect(existsSync(join(failed, LOCK_FILE))).toBe(false);
  });

  it('removes temporary files of killed writers (dead pid) and keeps those of live ones', async () => {
    const out = tempDir('orphans');
    const dead = [
      '.last.safetensors.999999999.0a1b2c3d4e5f.tmp',
      '.loss.png.999999998.00ff.tmp',
      'metrics.json.999999997.tmp',
    ];
    const live = `.best.safetensors.${process.ppid}.abcdef.tmp`;
    for (const f of [...dead, live]) writeFileSync(join(out, f), 'partial');
    const r = await train(out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('removed 3 temporary file(s) of killed writes');
    for (const f of dead) expect(existsSync(join(out, f)), f).toBe(false);
    expect(existsSync(join(out, live))).toBe(true);
  });
});

describe('--resume', () => {
  it('refuses changed settings, naming each with its old and new value', async () => {
    const out = copyCheckpoint(await finishedRun(), 'last');
    const last = join(out, 'last.safetensors');
    const r = await run([
      'train',
      'lenet5',
      ...BASE,
      '--epochs',
      '2',
      '--lr',
      '0.01',
      '--train-size',
      '96',
      '--val-size',
      '16',
      '--batch-size',
      '16',
      '--resume',
      last,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--resume: 5 settings differ from the run in '${last}'`);
    for (const change of [
      '--epochs: 1 in the checkpoint, 2 now (the cosine schedule spans the whole run',
      '--batch-size: 32 in the checkpoint, 16 now',
      '--lr: 0.001 in the checkpoint, 0.01 now',
      '--val-size: 32 in the checkpoint, 16 now',
      '--train-size: 64 in the checkpoint, 96 now',
    ]) {
      expect(r.err).toContain(change);
    }
    expect(r.out).toBe('');
  });

  it('accepts the settings that may change (backend, threads, test size, patience)', async () => {
    const out = copyCheckpoint(await finishedRun(), 'last');
    const r = await run([
      'train',
      'lenet5',
      ...BASE,
      '--backend',
      'wasm',
      '--threads',
      '2',
      '--test-size',
      '16',
      '--patience',
      '3',
      '--resume',
      join(out, 'last.safetensors'),
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/test accuracy [\d.]+% \(loss [\d.]+, 16 images\)/);
  });

  it('without best.safetensors in the folder, tests the final parameters and says so (no ENOENT)', async () => {
    const out = copyCheckpoint(await finishedRun(), 'last');
    const r = await train(out, '--resume', join(out, 'last.safetensors'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`no best.safetensors in ${out}: tested the final parameters (epoch 1)`);
    expect(r.out).toMatch(/test accuracy [\d.]+% \(loss [\d.]+, 32 images\)/);
  });

  it('refuses a checkpoint fit did not write, saying so (not "key none ... use the same seed")', async () => {
    const dir = tempDir('foreign');
    const model = buildModel('lenet5', [1, 28, 28], 10);
    const { params, state } = model.init(key(0), [1, 28, 28]);
    const file = join(dir, 'weights.safetensors');
    await saveCheckpoint(file, { params, state, meta: { model: { name: 'lenet5', config: {} }, epoch: 0 } });
    const r = await train(tempDir('foreign-out'), '--resume', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--resume: '${file}' was not written by a training run (its metadata has no progress)`);
    expect(r.err).toContain('--init-from');
    expect(r.err.split('\n')[0]).not.toContain('seed');
  });
});

describe('special files and pseudo-file systems', () => {
  it.each([['/proc/x'], ['/sys/tapenet'], ['/dev/tapenet-run'], ['/proc/self/fd/x']])(
    '--out %s is refused at once',
    { timeout: 5000 },
    async (out) => {
      const r = await train(out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /^tapenet train: --out: '.*' is on a pseudo-file system \((proc|sysfs|\/dev|devtmpfs|tmpfs)/,
      );
    },
  );

  it('--out that is a file is refused', async () => {
    const file = join(tempDir('file'), 'f');
    writeFileSync(file, '');
    const r = await train(file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out: '${file}' is a regular file, not a folder`);
  });

  it('every input file that is a FIFO is refused without blocking', { timeout: 5000 }, async () => {
    const dir = tempDir('fifo');
    const pipe = fifo(dir, 'pipe.safetensors');
    const png = fifo(dir, 'pipe.png');
    const cases: [string[], string][] = [
      [['eval', pipe], `'${pipe}' is a FIFO (named pipe), not a regular file`],
      [['eval', 'lenet5', '--weights', pipe, '--dataset', 'mnist'], `--weights: '${pipe}' is a FIFO`],
      [['export', pipe, '--onnx', join(dir, 'm.onnx')], `'${pipe}' is a FIFO`],
      [['train', 'lenet5', ...BASE, '--out', join(dir, 'r1'), '--resume', pipe], `--resume: '${pipe}' is a FIFO`],
      [['train', 'lenet5', ...BASE, '--out', join(dir, 'r2'), '--init-from', pipe], `--init-from: '${pipe}' is a FIFO`],
      [
        ['visualize', 'edges', '--model', 'lenet5', '--weights', pipe, '--image', png, '--out', join(dir, 'v')],
        `--image: '${png}' is a FIFO`,
      ],
      [
        ['visualize', 'features', '--model', 'lenet5', '--weights', pipe, '--out', join(dir, 'v')],
        `--weights: '${pipe}' is a FIFO`,
      ],
    ];
    for (const [argv, message] of cases) {
      const started = performance.now();
      const r = await run(argv);
      expect(r.err, argv.join(' ')).toContain(message);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(performance.now() - started, argv.join(' ')).toBeLessThan(1000);
    }
  });

  it('a run folder whose best.safetensors is a directory is refused by eval, export and visualize', async () => {
    const run1 = tempDir('dir-best');
    mkdirSync(join(run1, 'best.safetensors'));
    const best = join(run1, 'best.safetensors');
    for (const argv of [
      ['eval', run1],
      ['export', run1, '--onnx', join(run1, 'm.onnx')],
      ['visualize', 'filters', '--run', run1],
    ]) {
      const r = await run(argv);
      expect(r.err, argv.join(' ')).toContain(`'${best}' is a directory, not a regular file`);
      expect(r.code).toBe(2);
    }
  });

  it('a read-only --out is reported as not writable, not as ENOENT', async (ctx) => {
    const out = tempDir('readonly');
    // chmod does not stop root; the immutable attribute does (where chattr works).
    execFileSync('chmod', ['555', out]);
    let immutable = false;
    try {
      writeFileSync(join(out, 'probe'), '');
      execFileSync('rm', [join(out, 'probe')]);
      execFileSync('chattr', ['+i', out], { stdio: 'ignore' });
      immutable = true;
    } catch {
      // not writable by chmod alone, or no chattr
    }
    try {
      if (!immutable && process.getuid?.() === 0) ctx.skip();
      const r = await train(out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        new RegExp(`--out: '${out}' is not writable \\((permission denied|read-only file system)\\)`),
      );
      expect(r.err).not.toContain('ENOENT');
    } finally {
      if (immutable) execFileSync('chattr', ['-i', out]);
      execFileSync('chmod', ['755', out]);
    }
  });
});
