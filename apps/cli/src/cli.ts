/** @file The dispatcher: `tapenet <command> [args]` over a table of commands, with top-level help. */
import { type Command, EXIT, type Io } from './command.js';

/** The top-level usage text for a command table. */
export function topUsage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: tapenet <command> [options]

Commands:
${lines.join('\n')}

Run 'tapenet <command> --help' for a command's options. The main job:
  tapenet train lenet5 --dataset mnist`;
}

/** Runs `argv` (the arguments after `tapenet`) against `commands`; resolves to the exit code. */
export async function runCli(argv: string[], commands: readonly Command[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${topUsage(commands)}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`tapenet: unknown command '${name}'\n\n${topUsage(commands)}\n`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}
