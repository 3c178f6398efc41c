import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { removeOrphanTemps, tempFilePid } from './run-claim.js';
import { acquireRunLock, isAlive, LOCK_FILE } from './run-lock.js';

const quiet = () => {};

describe('run folder lock', () => {
  it('is exclusive until released, records pid and host, and can be taken again after release', async () => {
    const dir = tempDir('lock');
    const lock = await acquireRunLock('--out', dir, quiet);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: expect.any(String), token: expect.any(String) });
    await expect(acquireRunLock('--out', dir, quiet)).rejects.toThrow(/is in use by another tapenet run/);
    await lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await lock.release(); // idempotent
    const again = await acquireRunLock('--out', dir, quiet);
    await again.release();
  });

  it('release does not remove a lock that is no longer its own', async () => {
    const dir = tempDir('lock-other');
    const lock = await acquireRunLock('--out', dir, quiet);
    const theirs = JSON.stringify({ pid: 1, host: 'elsewhere', started: 'x', token: 'theirs' });
    writeFileSync(join(dir, LOCK_FILE), theirs);
    await lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(theirs);
  });

  it('refuses an unreadable lock file rather than removing it', async () => {
    const dir = tempDir('lock-garbage');
    writeFileSync(join(dir, LOCK_FILE), '');
    await expect(acquireRunLock('--out', dir, quiet)).rejects.toThrow(
      /is locked by another run .*being written or unreadable/,
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('tells live pids from dead ones', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(999_999_999)).toBe(false);
    expect(isAlive(0)).toBe(false);
  });
});

describe('orphan temporary files', () => {
  it.each([
    ['.last.safetensors.1234.0a1b2c3d4e5f.tmp', 1234],
    ['.loss.png.77.ab.tmp', 77],
    ['metrics.json.42.tmp', 42],
    ['last.safetensors', undefined],
    ['.tapenet.lock', undefined],
    ['notes.tmp', undefined],
  ])('%s: pid %s', (name, pid) => {
    expect(tempFilePid(name)).toBe(pid);
  });

  it('removes those of dead writers and of this process only', async () => {
    const dir = tempDir('temps');
    const files = [`.a.${process.pid}.ff.tmp`, '.b.999999999.ff.tmp', `.c.${process.ppid}.ff.tmp`, 'keep.txt'];
    for (const f of files) writeFileSync(join(dir, f), '');
    expect((await removeOrphanTemps(dir)).sort()).toEqual([files[0], files[1]].sort());
    expect(existsSync(join(dir, files[2]!))).toBe(true);
    expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
  });
});
