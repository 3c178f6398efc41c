/**
 * @file Reaching Debian's PyTorch from layers' tests (the same rule as train's interop suite): the
 * interpreter, why PyTorch is missing (null when it is there), and one call of reference.py. Suites that
 * need it skip visibly with the reason, unless TAPENET_REQUIRE_TORCH=1 (CI), which makes that a failure.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter, which has python3-torch (the `python3` on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./reference.py', import.meta.url));

/** Why PyTorch cannot be imported, or null; throws when TAPENET_REQUIRE_TORCH=1 and it cannot. */
export function torchMissing(): string | null {
  let reason: string | null = null;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' });
  } catch (e) {
    const detail = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message)
      .trim()
      .split('\n')
      .at(-1);
    reason = `PyTorch is not installed (apt-get install python3-torch): ${detail}`;
  }
  if (reason !== null && process.env.TAPENET_REQUIRE_TORCH === '1')
    throw new Error(`PyTorch is required (TAPENET_REQUIRE_TORCH=1) but unavailable: ${reason}`);
  return reason;
}

/** One input as reference.py reads it. */
export type PyInput = {
  readonly values: number[];
  readonly shape: readonly number[];
  readonly dtype: 'float64' | 'int64';
};
export type PyCase = {
  readonly name: string;
  readonly expr: string;
  readonly inputs: PyInput[];
  readonly cot: number[];
};
export type PyResult = {
  readonly name: string;
  readonly y: number[];
  readonly shape: number[];
  readonly grads: (number[] | null)[];
};

/** Runs every case through PyTorch in one process (importing torch takes a second or two). */
export function torchReference(cases: readonly PyCase[]): PyResult[] {
  try {
    const out = execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(cases), maxBuffer: 64 << 20 });
    return JSON.parse(out.toString()) as PyResult[];
  } catch (e) {
    throw new Error(`reference.py failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }
}
