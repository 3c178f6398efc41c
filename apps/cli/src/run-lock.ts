/**
 * @file One run per run folder: an exclusive lock file, `<dir>/.tapenet.lock`, created atomically
 * (`open(..., 'wx')`: exactly one process can create it) holding the owner's pid, host and start time. A lock
 * whose owner is on this host and no longer alive is stale and taken over (the take-over itself is guarded
 * by a second `wx` file, so two runs cannot both take it over). A live owner, or one on another host, means
 * refusal. The lock is removed on release and, should the process exit without releasing (a second
 * Ctrl-C, an uncaught error), by an 'exit' handler.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from './command.js';
import { codeOf, permissionAsUsage } from './files.js';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = '.tapenet.lock';

/** What a lock file records. */
export type LockOwner = {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly token: string;
};

/** A held lock. `release` removes the lock file if it is still this one; calling it again does nothing. */
export type RunLock = { readonly path: string; release(): Promise<void> };

/** Whether process `pid` is alive on this host (EPERM: it exists but belongs to another user). */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return codeOf(e) === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string'
      ? (o as LockOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `path` exclusively with `text`; false when it exists already. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

const readOwner = async (path: string): Promise<LockOwner | undefined | 'gone'> =>
  readFile(path, 'utf8').then(parseOwner, (e) => (codeOf(e) === 'ENOENT' ? ('gone' as const) : undefined));

const describe = (o: LockOwner): string => `pid ${o.pid} on ${o.host}, since ${o.started}`;

/**
 * Takes the lock of run folder `dir` (which must exist), or throws a UsageError saying who holds it.
 * `say` gets one line when a stale lock is taken over.
 */
export async function acquireRunLock(option: string, dir: string, say: (line: string) => void): Promise<RunLock> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(me)}\n`;
  const create = (p: string) =>
    createExclusive(p, text).catch((e: unknown) => {
      throw permissionAsUsage(option, dir, e);
    });
  let taken = await create(path);
  for (let attempt = 0; !taken && attempt < 3; attempt++) {
    const owner = await readOwner(path);
    if (owner === 'gone') {
      taken = await create(path); // released meanwhile
      continue;
    }
    const hint = `if no run is using it, delete ${path}`;
    if (owner === undefined) {
      // Just created by another run that has not written its pid yet, or garbage: not ours to remove.
      throw new UsageError(
        `${option}: '${dir}' is locked by another run (${path} is being written or unreadable; ${hint})`,
      );
    }
    if (owner.host !== me.host || isAlive(owner.pid)) {
      const self = owner.host === me.host && owner.pid === me.pid ? ' (this process)' : '';
      throw new UsageError(
        `${option}: '${dir}' is in use by another tapenet run (${describe(owner)}${self}); give another ${option}` +
          (owner.host === me.host ? '' : ` (${hint})`),
      );
    }
    // Stale: its owner died without releasing it. Take it over under a guard, re-checking inside it.
    const guard = `${path}.takeover`;
    if (!(await create(guard))) {
      const g = await readOwner(guard);
      if (typeof g === 'object' && g.host === me.host && !isAlive(g.pid)) await unlink(guard).catch(() => {});
      continue;
    }
    try {
      const again = await readOwner(path);
      if (typeof again === 'object' && again.token === owner.token) {
        await unlink(path);
        taken = await create(path);
        if (taken) say(`took over the stale lock of '${dir}' (${describe(owner)}: no longer running)`);
      }
    } finally {
      await unlink(guard).catch(() => {});
    }
  }
  if (!taken) throw new UsageError(`${option}: could not lock '${dir}' (other runs keep taking it); try again`);

  let held = true;
  const isMine = (content: string) => parseOwner(content)?.token === me.token;
  const onExit = () => {
    try {
      if (held && isMine(readFileSync(path, 'utf8'))) unlinkSync(path);
    } catch {
      // nothing left to release
    }
  };
  process.on('exit', onExit);
  return {
    path,
    async release() {
      if (!held) return;
      process.off('exit', onExit);
      const content = await readFile(path, 'utf8').catch(() => '');
      held = false;
      if (isMine(content)) await unlink(path).catch(() => {});
    },
  };
}
