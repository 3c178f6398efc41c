/**
 * @file Reaching Debian's PyTorch from the tests: the interpreter, the interop script, and why PyTorch is
 * missing (null when it is there). Suites that need it skip visibly with that reason, unless
 * TAPENET_REQUIRE_TORCH=1 (CI), which makes a missing PyTorch a failure.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter, which has python3-torch (the `python3` on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';

/** The PyTorch side of the interop tests. */
export const INTEROP_SCRIPT = fileURLToPath(new URL('./interop.py', import.meta.url));

/** Why PyTorch and torchvision cannot be imported, or null; throws when TAPENET_REQUIRE_TORCH=1 and they cannot. */
export function torchMissing(): string | null {
  let reason: string | null = null;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'pipe' });
  } catch (e) {
    const detail = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message)
      .trim()
      .split('\n')
      .at(-1);
    reason = `PyTorch is not installed (apt-get install python3-torch python3-torchvision): ${detail}`;
  }
  if (reason !== null && process.env.TAPENET_REQUIRE_TORCH === '1') {
    throw new Error(`PyTorch is required (TAPENET_REQUIRE_TORCH=1) but unavailable: ${reason}`);
  }
  return reason;
}

/** Runs the interop script with `args`, throwing its stderr on failure. */
export function interop(...args: string[]): void {
  try {
    execFileSync(PYTHON, [INTEROP_SCRIPT, ...args], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`interop.py ${args.join(' ')} failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }
}
