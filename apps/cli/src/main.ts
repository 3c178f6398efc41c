#!/usr/bin/env node
/**
 * @file The `tapenet` executable: dispatches to the command table with the process's streams, turns the
 * first Ctrl-C into a clean stop (the running command saves and exits 130) and a second (or SIGTERM) into an
 * immediate exit that still runs 'exit' handlers.
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
// SIGTERM ends at once, like a second Ctrl-C, but through process.exit so that 'exit' handlers run (the
// run folder's lock is released; checkpoints are atomic, so the previous last.safetensors stays intact).
process.on('SIGTERM', () => process.exit(128 + 15));

const code = await runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = code;
