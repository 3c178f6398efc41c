import { describe, expect, it } from 'vitest';
import { memoryIo } from '../test/helpers.js';
import { runCli } from './cli.js';
import type { Command } from './command.js';
import { evalCommand } from './commands/eval.js';
import { modelsCommand } from './commands/models.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';

const commands: Command[] = [trainCommand, evalCommand, summaryCommand, modelsCommand];
const run = async (...argv: string[]) => {
  const io = memoryIo();
  const code = await runCli(argv, commands, io);
  return { code, out: io.out(), err: io.err() };
};

describe('tapenet', () => {
  it('lists the commands with --help, and refuses an unknown one with the usage', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.out).toContain(`  ${c.name}`);
    const bad = await run('trian');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^tapenet: unknown command 'trian'\n\nUsage: tapenet <command>/);
    expect((await run()).code).toBe(2);
  });

  it.each(commands.map((c) => c.name))('%s --help prints its usage', async (name) => {
    const r = await run(name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: tapenet ${name}`));
  });

  it.each([
    [['train', 'lenet5'], 'missing --dataset <mnist|fashion-mnist|cifar10>'],
    [['train'], 'missing <model>'],
    [['train', 'lenet5', '--dataset', 'mnist', '--epochs', 'x'], "--epochs must be an integer ≥ 1, got 'x'"],
    [['train', 'lenet5', '--dataset', 'svhn'], "--dataset must be one of mnist, fashion-mnist, cifar10; got 'svhn'"],
    [['train', 'lenet5', '--dataset', 'mnist', '--lr', '0'], "--lr must be a positive number, got '0'"],
    [
      ['train', 'lenet5', '--dataset', 'mnist', '--optimizer', 'lion'],
      '--optimizer must be one of adam, adamw, sgd, rmsprop',
    ],
    [['train', 'lenet5', '--dataset', 'mnist', '--bogus'], "unknown option '--bogus'"],
    [['train', 'lenet6', '--dataset', 'mnist'], "unknown model 'lenet6'"],
    [
      ['summary', 'lenet5', '--input', '1,28'],
      "--input must be three positive integers C,H,W (e.g. 3,32,32), got '1,28'",
    ],
    [['eval', 'no/such/run'], "'no/such/run' is neither a run folder nor a checkpoint file"],
    [['models', 'extra'], "unexpected argument 'extra'"],
  ])('%j: one-line error, then the usage, exit 2', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    const [first, blank, usage] = r.err.split('\n');
    expect(first).toBe(`tapenet ${argv[0]}: ${first!.slice(`tapenet ${argv[0]}: `.length)}`);
    expect(first).toContain(message);
    expect(blank).toBe('');
    expect(usage).toMatch(new RegExp(`^Usage: tapenet ${argv[0]}`));
  });

  it('summary prints the layer table (LeNet-5: 61,706 params) and accepts --input', async () => {
    const r = await run('summary', 'lenet5');
    expect(r.code).toBe(0);
    expect(r.out).toContain('lenet5: input [1, 28, 28], 10 classes');
    expect(r.out.replaceAll(',', '')).toContain('61706');
    const cifar = await run('summary', 'resnet20', '--input', '3,32,32');
    expect(cifar.code).toBe(0);
    expect(cifar.out).toContain('resnet20: input [3, 32, 32]');
  });

  it('models lists the zoo', async () => {
    const r = await run('models');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^model\s+input\s+classes\s+description/);
    expect(r.out).toMatch(/\nlenet5\s+\[1, 28, 28\]\s+10\s+LeNet-5/);
    expect(r.out).toMatch(/\nresnet20\s+\[3, 32, 32\]\s+10/);
  });
});
