#!/usr/bin/env node
/**
 * @file The `tapenet` executable: dispatches to the command table with the process's streams, turns the
 * first Ctrl-C into a clean stop (the running command saves and exits 130) and a second into an immediate exit.
 */
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli.js';
import { EXIT } from './command.js';
import { COMMANDS } from './commands/index.js';

// Node 20's V8 runs WebAssembly relaxed SIMD only behind this flag (Node ≥ 22 has it on and ignores the
// flag). With it, the wasm backend picks its fused multiply-add build; it must be set before any module is
// compiled, so it comes first.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted);
  process.stderr.write('\nCtrl-C: stopping after the current batch (press again to quit at once)\n');
  controller.abort();
});

const code = await runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = code;
