/** @file Helpers for the CLI tests: in-memory streams, temporary folders, PNG checks, the built executable. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../src/command.js';

/** An `Io` that records what commands write. */
export function memoryIo(signal?: AbortSignal): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    ...(signal === undefined ? {} : { signal }),
    out: () => out,
    err: () => err,
  };
}

/** A fresh temporary folder. */
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `tapenet-cli-${prefix}-`));

/** Whether `path` holds a PNG (by its 8-byte signature) of non-trivial size. */
export function isPng(path: string): boolean {
  const bytes = readFileSync(path);
  return bytes.length > 100 && bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
}

/** The built executable; the tests that spawn it need `pnpm run build` first (turbo's test task does it). */
export const MAIN = new URL('../dist/main.js', import.meta.url).pathname;

/** Throws a clear message when the executable has not been built. */
export function requireBuilt(): string {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'pnpm run build' in apps/cli first`);
  return MAIN;
}
