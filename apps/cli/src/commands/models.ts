/** @file `tapenet models`: the zoo's models with their input shapes, classes and descriptions. */
import { zoo } from '@tapenet/zoo';
import { parse, positionals } from '../args.js';
import { type Command, EXIT, guarded, type Io } from '../command.js';
import { table } from '../format.js';

const usage = `Usage: tapenet models

Lists the zoo's models: name, input shape [C, H, W], classes and description.

Options:
  -h, --help           this help`;

async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {});
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  positionals(p, []);
  const rows = zoo.list().map((m) => [m.name, `[${m.inputShape.join(', ')}]`, String(m.numClasses), m.description]);
  io.stdout.write(`${table([['model', 'input', 'classes', 'description'], ...rows])}\n`);
  return EXIT.ok;
}

/** `tapenet models`. */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'list the zoo models',
  usage,
  run: (argv, io) => guarded(modelsCommand, io, () => run(argv, io)),
};
