/**
 * @file Claiming a run folder for `tapenet train`: refuse pseudo-file systems, create it, take its lock,
 * refuse a folder that already holds another run's files (unless resuming that run), and remove the
 * temporary files that killed writers left behind.
 */
import { readdir, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from './command.js';
import { makeOutputDir, permissionAsUsage } from './files.js';
import { RUN_FILES } from './run-folder.js';
import { acquireRunLock, isAlive, type RunLock } from './run-lock.js';

/** Files (and the `vis/` folder) that make a folder another run's: its checkpoints, metrics and pictures. */
export const isRunFile = (name: string): boolean =>
  (Object.values(RUN_FILES) as string[]).includes(name) ||
  /^(best|last)\.optimizer-[0-9a-f]+\.safetensors$/.test(name) ||
  name === 'vis';

/**
 * The pid of a temporary file an atomic writer of this repo left: `.<name>.<pid>.<random>.tmp` (safetensors,
 * PNG, ONNX and JSON writers), or `<name>.<pid>.tmp` (metrics.json before); undefined for other names.
 */
export function tempFilePid(name: string): number | undefined {
  const m = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name) ?? /^[^.].*\.(\d+)\.tmp$/.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Removes `dir`'s temporary files whose writer is gone (its pid is not alive, or is this process, which has
 * written nothing yet); returns their names. Call it holding the folder's lock.
 */
export async function removeOrphanTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = tempFilePid(name);
    if (pid === undefined || (pid !== process.pid && isAlive(pid))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

const same = async (a: string, b: string): Promise<boolean> =>
  (await realpath(a).catch(() => a)) === (await realpath(b).catch(() => b));

/**
 * Makes `out` the folder of this run and returns its lock: `resume` (a checkpoint path) allows the folder
 * to hold that run's files when it is the checkpoint's own folder. `say` gets the lines worth printing.
 */
export async function claimRunFolder(
  out: string,
  resume: string | undefined,
  say: (line: string) => void,
): Promise<RunLock> {
  await makeOutputDir('--out', out);
  const lock = await acquireRunLock('--out', out, say);
  try {
    const names = await readdir(out).catch((e: unknown) => {
      throw permissionAsUsage('--out', out, e);
    });
    const theirs = names.filter(isRunFile);
    if (theirs.length > 0 && !(resume !== undefined && (await same(dirname(resume), out)))) {
      throw new UsageError(
        `--out: '${out}' already holds a run (${theirs.sort().join(', ')}); give a new folder, or --resume ${join(out, RUN_FILES.last)} to continue that run`,
      );
    }
    const removed = await removeOrphanTemps(out);
    if (removed.length > 0) say(`removed ${removed.length} temporary file(s) of killed writes: ${removed.join(', ')}`);
    return lock;
  } catch (e) {
    await lock.release();
    throw e;
  }
}
