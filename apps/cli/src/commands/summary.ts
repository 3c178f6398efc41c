/** @file `tapenet summary <model> [--input C,H,W]`: a model's layers, output shapes, parameters and FLOPs. */
import { summary } from '@tapenet/layers';
import { zoo } from '@tapenet/zoo';
import { int, parse, parseShape, positionals, str } from '../args.js';
import { type Command, EXIT, guarded, type Io, UsageError } from '../command.js';

const usage = `Usage: tapenet summary <model> [--input C,H,W] [--classes N]

Prints the model's layers with output shapes, parameter counts and FLOPs, by shape inference alone.

Options:
  --input C,H,W        input shape without the batch dim (default: the model's documented input)
  --classes N          output classes (default: the model's)
  -h, --help           this help`;

const OPTIONS = { input: { type: 'string' }, classes: { type: 'string' } } as const;

async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, OPTIONS);
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [name] = positionals(p, ['model']) as [string];
  const info = zoo.list().find((m) => m.name === name);
  if (info === undefined) throw new UsageError(`unknown model '${name}'; run 'tapenet models' for the list`);
  const input = str(p, 'input');
  const shape = input === undefined ? info.inputShape : parseShape('--input', input);
  const numClasses = int(p, 'classes', info.numClasses);
  const model = zoo.get(name, { numClasses, inChannels: shape[0] });
  const s = summary(model, shape);
  io.stdout.write(`${name}: input [${shape.join(', ')}], ${numClasses} classes\n${s.table}\n`);
  return EXIT.ok;
}

/** `tapenet summary`. */
export const summaryCommand: Command = {
  name: 'summary',
  summary: "print a zoo model's layers, shapes, parameters and FLOPs",
  usage,
  run: (argv, io) => guarded(summaryCommand, io, () => run(argv, io)),
};
