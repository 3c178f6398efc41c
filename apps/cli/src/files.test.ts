import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { checkOutputDir, permissionAsUsage, requireRegularFile } from './files.js';

const errno = (code: string) => Object.assign(new Error(`${code}: boom`), { code });

describe('path checks', () => {
  it('requireRegularFile names what a non-file is, without opening it', { timeout: 2000 }, async () => {
    const dir = tempDir('kinds');
    const pipe = join(dir, 'p');
    execFileSync('mkfifo', [pipe]);
    writeFileSync(join(dir, 'f'), 'x');
    await expect(requireRegularFile('--x', pipe)).rejects.toThrow(
      `--x: '${pipe}' is a FIFO (named pipe), not a regular file`,
    );
    await expect(requireRegularFile('--x', dir)).rejects.toThrow(`--x: '${dir}' is a directory, not a regular file`);
    await expect(requireRegularFile('--x', '/dev/null')).rejects.toThrow("'/dev/null' is a character device");
    await expect(requireRegularFile('--x', join(dir, 'none'))).rejects.toThrow('does not exist');
    await expect(requireRegularFile('--x', join(dir, 'f'))).resolves.toBeDefined();
  });

  it('checkOutputDir refuses pseudo-file systems and non-folders, and accepts a new folder', async () => {
    for (const p of ['/proc', '/proc/1/x/y', '/sys/x', '/dev/x', '/dev']) {
      await expect(checkOutputDir('--out', p), p).rejects.toThrow('is on a pseudo-file system');
    }
    const dir = tempDir('out');
    writeFileSync(join(dir, 'file'), '');
    await expect(checkOutputDir('--out', join(dir, 'file', 'sub'))).rejects.toThrow(
      `--out: '${join(dir, 'file')}' (in '${join(dir, 'file', 'sub')}') is a regular file, not a folder`,
    );
    mkdirSync(join(dir, 'existing'));
    await expect(checkOutputDir('--out', join(dir, 'existing'))).resolves.toBeUndefined();
    await expect(checkOutputDir('--out', join(dir, 'new', 'deeper'))).resolves.toBeUndefined();
  });

  it('permission errors become a UsageError saying so; others pass through', () => {
    expect((permissionAsUsage('--out', 'd', errno('EACCES')) as Error).message).toBe(
      "--out: 'd' is not writable (permission denied)",
    );
    expect((permissionAsUsage('--out', 'd', errno('EPERM')) as Error).message).toContain('(permission denied)');
    expect((permissionAsUsage('--out', 'd', errno('EROFS')) as Error).message).toContain('(read-only file system)');
    const other = errno('ENOSPC');
    expect(permissionAsUsage('--out', 'd', other)).toBe(other);
  });
});
