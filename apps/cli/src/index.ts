/** @file Programmatic access to the `tapenet` commands (the executable is `main.ts`). */
export { runCli, topUsage } from './cli.js';
export { type Command, EXIT, type Io, type Sink, UsageError } from './command.js';
export { COMMANDS } from './commands/index.js';
export { evalCommand } from './commands/eval.js';
export { modelsCommand } from './commands/models.js';
export { summaryCommand } from './commands/summary.js';
export { trainCommand } from './commands/train.js';
