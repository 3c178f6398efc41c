/** @file Atomic writes that leave the old file intact on failure, and reads that check sizes first. */
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafetensorsException } from './errors.js';
import {
  type FileHandleLike,
  type FileSystem,
  readSafetensorsFile,
  readSafetensorsFileOrThrow,
  writeSafetensorsFile,
} from './file.js';
import type { SafetensorsEntry } from './parse.js';
import { serializeSafetensors } from './serialize.js';
import { fromTypedArray } from './typed.js';

const OLD: SafetensorsEntry[] = [fromTypedArray('w', [2], new Float32Array([1, 2]))];
const NEW: SafetensorsEntry[] = [
  fromTypedArray('w', [3, 100], new Float32Array(300).fill(7)),
  fromTypedArray('step', [], new Int32Array([5])),
];

let dir = '';
let target = '';
beforeEach(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), 'safetensors-'));
  target = join(dir, 'model.safetensors');
});
afterEach(async () => {
  await fsp.chmod(dir, 0o755).catch(() => undefined);
  await fsp.rm(dir, { recursive: true, force: true });
});

/** The real file system, with hooks to fail one step and a log of what was opened and read. */
const faulty = (fail: { write?: boolean; sync?: boolean; rename?: boolean } = {}) => {
  const log = { opened: [] as { path: string; flags: string }[], reads: [] as number[] };
  const wrap = (h: fsp.FileHandle): FileHandleLike => ({
    write: async (buffer, offset, length, position) => {
      if (!fail.write) return h.write(buffer, offset, length, position);
      // Write half of what was asked, as a short write would, then fail on the next call.
      if (offset === 0) return h.write(buffer, offset, Math.ceil(length / 2), position);
      throw Object.assign(new Error('injected: disk full'), { code: 'ENOSPC' });
    },
    read: (buffer, offset, length, position) => {
      log.reads.push(length);
      return h.read(buffer, offset, length, position);
    },
    stat: () => h.stat(),
    sync: async () => {
      if (fail.sync) throw Object.assign(new Error('injected: sync failed'), { code: 'EIO' });
      await h.sync();
    },
    close: () => h.close(),
  });
  const fs: FileSystem = {
    open: async (path, flags) => {
      log.opened.push({ path, flags });
      return wrap(await fsp.open(path, flags));
    },
    rename: async (from, to) => {
      if (fail.rename) throw Object.assign(new Error('injected: rename failed'), { code: 'EXDEV' });
      await fsp.rename(from, to);
    },
    unlink: (path) => fsp.unlink(path),
  };
  return { fs, log };
};

describe('writeSafetensorsFile', () => {
  it('writes the serialized bytes and leaves no temporary file', async () => {
    await writeSafetensorsFile(target, NEW, { epoch: '3' });
    expect(Buffer.from(await fsp.readFile(target)).equals(Buffer.from(serializeSafetensors(NEW, { epoch: '3' })))).toBe(
      true,
    );
    expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
    const read = await readSafetensorsFileOrThrow(target);
    expect(read.metadata).toEqual({ epoch: '3' });
    expect([...read.tensors.keys()]).toEqual(['step', 'w']);
  });

  it('replaces an existing file through a temporary file in the same directory', async () => {
    await writeSafetensorsFile(target, OLD);
    const { fs, log } = faulty();
    await writeSafetensorsFile(target, NEW, {}, { fs });
    const temp = log.opened[0]!;
    expect(temp.flags).toBe('wx');
    expect(temp.path.startsWith(`${dir}/`)).toBe(true);
    expect(temp.path.slice(dir.length + 1)).toMatch(
      new RegExp(`^\\.model\\.safetensors\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`),
    );
    expect(Buffer.from(await fsp.readFile(target)).equals(Buffer.from(serializeSafetensors(NEW)))).toBe(true);
    expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
  });

  for (const step of ['write', 'sync', 'rename'] as const) {
    it(`keeps the previous file byte-identical and removes the temporary file when ${step} fails`, async () => {
      await writeSafetensorsFile(target, OLD, { v: 'old' });
      const before = await fsp.readFile(target);
      const { fs, log } = faulty({ [step]: true });
      await expect(writeSafetensorsFile(target, NEW, { v: 'new' }, { fs })).rejects.toThrow(/injected/);
      expect(log.opened.length).toBeGreaterThan(0);
      expect((await fsp.readFile(target)).equals(before)).toBe(true);
      expect(await fsp.readdir(dir)).toEqual(['model.safetensors']);
    });
  }

  it('rejects invalid entries before touching the file system', async () => {
    await writeSafetensorsFile(target, OLD);
    const before = await fsp.readFile(target);
    const { fs, log } = faulty();
    const bad: SafetensorsEntry = { name: 'x', dtype: 'F32', shape: [3], bytes: new Uint8Array(8) };
    await expect(writeSafetensorsFile(target, [bad], {}, { fs })).rejects.toThrow(SafetensorsException);
    expect(log.opened).toEqual([]);
    expect((await fsp.readFile(target)).equals(before)).toBe(true);
  });

  it('fails cleanly when the rename fails (the target is a directory), leaving no temporary file', async () => {
    // Runs for every user, root included (a read-only directory does not stop root).
    const occupied = join(dir, 'occupied.safetensors');
    await fsp.mkdir(occupied);
    await expect(writeSafetensorsFile(occupied, NEW)).rejects.toMatchObject({ code: 'EISDIR' });
    expect((await fsp.stat(occupied)).isDirectory()).toBe(true);
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('readSafetensorsFile', () => {
  const kindOf = async (path: string, fs?: FileSystem): Promise<string> => {
    const r = await readSafetensorsFile(path, fs === undefined ? {} : { fs });
    return E.isLeft(r) ? r.left.kind : 'ok';
  };

  it('reports file-system failures as io errors with their code', async () => {
    const missing = await readSafetensorsFile(join(dir, 'nope.safetensors'));
    expect(E.isLeft(missing) && missing.left).toMatchObject({ kind: 'io', code: 'ENOENT' });
    const directory = await readSafetensorsFile(dir);
    expect(E.isLeft(directory) && directory.left).toMatchObject({ kind: 'io', code: 'EISDIR' });
    await expect(readSafetensorsFileOrThrow(dir)).rejects.toThrow(SafetensorsException);
  });

  it('rejects a file too short for the length prefix', async () => {
    await fsp.writeFile(target, Uint8Array.of(1, 2, 3));
    expect(await kindOf(target)).toBe('too-small');
  });

  it('checks the header length against the file size before reading the header', async () => {
    const prefix = new Uint8Array(24);
    new DataView(prefix.buffer).setBigUint64(0, 99_999_999n, true);
    await fsp.writeFile(target, prefix);
    const { fs, log } = faulty();
    expect(await kindOf(target, fs)).toBe('header-length');
    expect(log.reads).toEqual([8]);
    new DataView(prefix.buffer).setBigUint64(0, 2n ** 63n, true);
    await fsp.writeFile(target, prefix);
    expect(await kindOf(target)).toBe('header-too-large');
  });

  it('reads a valid file in full and validates it like parseSafetensors', async () => {
    await writeSafetensorsFile(target, NEW);
    const { size } = await fsp.stat(target);
    const { fs, log } = faulty();
    expect(await kindOf(target, fs)).toBe('ok');
    expect(log.reads.reduce((a, b) => a + b, 0)).toBe(size);
    await fsp.appendFile(target, Uint8Array.of(0));
    expect(await kindOf(target)).toBe('hole');
  });
});
