/** @file writeFileAtomic: the target holds the old bytes or the new, never a mixture, and no temporary file stays. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempPathFor, type WritableFileSystem, writeFileAtomic } from './index.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'tapenet-atomic-'));

/** node:fs/promises recording its calls, with one step made to fail (none: a recorder only). */
function failing(step: 'none' | 'open' | 'write' | 'sync' | 'rename', calls: string[] = []): WritableFileSystem {
  const boom = (what: string) => Promise.reject(Object.assign(new Error(`injected ${what} failure`), { code: 'EIO' }));
  return {
    open: async (path, flags) => {
      calls.push(`open ${flags}`);
      if (step === 'open' && flags === 'wx') return boom('open');
      const h = await fsp.open(path, flags);
      return {
        write: (b, o, l, p) => (step === 'write' ? boom('write') : h.write(b, o, l, p)),
        sync: () => {
          calls.push(flags === 'r' ? 'sync dir' : 'sync file');
          return step === 'sync' && flags === 'wx' ? boom('sync') : h.sync();
        },
        close: () => h.close(),
      };
    },
    rename: (from, to) => {
      calls.push('rename');
      return step === 'rename' ? boom('rename') : fsp.rename(from, to);
    },
    unlink: (path) => fsp.unlink(path),
  };
}

describe('writeFileAtomic', () => {
  it('writes bytes and strings, replaces the old file, and leaves only the target', async () => {
    const dir = fresh();
    const file = join(dir, 'a.bin');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    await writeFileAtomic(file, '{"ok":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"ok":true}\n');
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('creates the temporary file exclusively, fsyncs it, renames, then fsyncs the directory', async () => {
    const dir = fresh();
    const calls: string[] = [];
    await writeFileAtomic(join(dir, 'b.bin'), new Uint8Array(10), { fs: failing('none', calls) });
    expect(calls).toEqual(['open wx', 'sync file', 'rename', 'open r', 'sync dir']);
  });

  it.each(['open', 'write', 'sync', 'rename'] as const)(
    'a failing %s leaves the old file byte-identical and no temporary file',
    async (step) => {
      const dir = fresh();
      const file = join(dir, 'c.bin');
      writeFileSync(file, 'old');
      await expect(writeFileAtomic(file, 'new bytes', { fs: failing(step) })).rejects.toThrow(`injected ${step}`);
      expect(readFileSync(file, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['c.bin']);
    },
  );

  it('names temporary files .<name>.<pid>.<random>.tmp beside the target, never the same twice', () => {
    const a = tempPathFor('/runs/x/best.safetensors');
    expect(a).toMatch(new RegExp(`^/runs/x/\\.best\\.safetensors\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(tempPathFor('best.safetensors')).toMatch(/^\.\/\.best\.safetensors\./);
    expect(tempPathFor('/runs/x/best.safetensors')).not.toBe(a);
  });
});
