/**
 * @file The command contract of the `tapenet` CLI: each subcommand is a value with a name, a one-line
 * summary, its usage text and `run(argv, io)` resolving to the exit code. Output goes through `io`, so
 * tests can run commands in-process and read what they print.
 */

/** Where a command writes: like `process.stdout` / `process.stderr` (`isTTY` turns on in-place progress). */
export type Sink = { readonly isTTY?: boolean; write(chunk: string): unknown };

/** A command's streams, and an abort signal raised on Ctrl-C (SIGINT). */
export type Io = { readonly stdout: Sink; readonly stderr: Sink; readonly signal?: AbortSignal };

/** One subcommand of `tapenet`. */
export type Command = {
  readonly name: string;
  /** One line for `tapenet --help`. */
  readonly summary: string;
  /** The full usage text for `tapenet <name> --help` and after a usage error. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: string[], io: Io): Promise<number>;
};

/** A bad command line: the message is printed on one line, followed by the usage; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes: 0 success, 1 failure, 2 bad arguments, 130 interrupted by Ctrl-C (128 + SIGINT). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Runs `body`, turning a `UsageError` into the one-line message plus usage (exit 2), other errors into exit 1. */
export async function guarded(
  command: Pick<Command, 'name' | 'usage'>,
  io: Io,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`tapenet ${command.name}: ${e.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`tapenet ${command.name}: error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failure;
  }
}
