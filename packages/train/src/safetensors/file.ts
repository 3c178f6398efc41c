/**
 * @file Reading and atomically writing safetensors files. A write goes through `writeFileAtomic` of
 * `@tapenet/autodiff/node` (temporary file, fsync, rename, directory fsync), so a reader sees the old file
 * or the new one, never a mixture; on failure the temporary file is removed and the old file is untouched.
 */
import * as fsp from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { writeFileAtomic } from '@tapenet/autodiff/node';
import * as E from 'fp-ts/lib/Either.js';
import { type SafetensorsError, SafetensorsException } from './errors.js';
import { type ParsedSafetensors, parseSafetensors, readHeaderLength, type SafetensorsEntry } from './parse.js';
import { serializeSafetensors } from './serialize.js';

/** The part of an open file that writing and reading use; `fs/promises`' `FileHandle` satisfies it. */
export type FileHandleLike = {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
};

/** The file-system calls this module makes; `node:fs/promises` satisfies it. Tests inject failures here. */
export type FileSystem = {
  open(path: string, flags: string): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
};

/** Options of {@link writeSafetensorsFile} and {@link readSafetensorsFile}. */
export type FileOptions = { readonly fs?: FileSystem };

const nodeFs: FileSystem = {
  open: (path, flags) => fsp.open(path, flags),
  rename: fsp.rename,
  unlink: fsp.unlink,
};

/**
 * Serializes `entries` and `metadata` (see `serializeSafetensors`) and writes them to `path` atomically
 * with `writeFileAtomic` of `@tapenet/autodiff/node`: a temporary file beside the target created
 * exclusively, fsynced, renamed over `path`, then the directory fsynced. On any failure the temporary
 * file is removed, the previous file at `path` is left byte-identical, and the error is rethrown. Invalid
 * entries throw a `SafetensorsException` before the file system is touched.
 *
 * @example await writeSafetensorsFile('run/best.safetensors', entries, { epoch: '3' });
 */
export async function writeSafetensorsFile(
  path: string,
  entries: readonly SafetensorsEntry[],
  metadata: Readonly<Record<string, string>> = {},
  options: FileOptions = {},
): Promise<void> {
  const bytes = serializeSafetensors(entries, metadata);
  await writeFileAtomic(path, bytes, { fs: options.fs ?? nodeFs });
}

const ioError = (file: string, error: unknown): SafetensorsError => {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'EIO';
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'io', file, code, message };
};

async function readExactly(handle: FileHandleLike, buffer: Uint8Array, position: number): Promise<boolean> {
  let at = 0;
  while (at < buffer.length) {
    const { bytesRead } = await handle.read(buffer, at, buffer.length - at, position + at);
    if (bytesRead <= 0) return false;
    at += bytesRead;
  }
  return true;
}

async function readChecked(
  handle: FileHandleLike,
  path: string,
): Promise<E.Either<SafetensorsError, ParsedSafetensors>> {
  const { size } = await handle.stat();
  if (size < 8) return E.left({ kind: 'too-small', file: path, fileSize: size });
  const prefix = new Uint8Array(8);
  if (!(await readExactly(handle, prefix, 0))) return E.left({ kind: 'too-small', file: path, fileSize: size });
  const n = readHeaderLength(prefix, size, path);
  if (E.isLeft(n)) return n;
  if (size > bufferConstants.MAX_LENGTH) {
    return E.left({ kind: 'io', file: path, code: 'EFBIG', message: `file of ${size} bytes is too large to load` });
  }
  // The size comes from the file system, not from the file's contents, so it is safe to allocate.
  const bytes = new Uint8Array(size);
  bytes.set(prefix);
  if (!(await readExactly(handle, bytes.subarray(8), 8))) {
    return E.left({ kind: 'io', file: path, code: 'ESHRUNK', message: `file became shorter than ${size} bytes` });
  }
  return parseSafetensors(bytes, path);
}

/**
 * Reads and validates a safetensors file. The size is taken from `fstat` and the header length is
 * checked against it before the header is read, so a hostile length cannot cause a large allocation or
 * read. File-system failures come back as `{ kind: 'io', code }`; format violations as in
 * `parseSafetensors`.
 *
 * @example
 * const result = await readSafetensorsFile('run/best.safetensors');
 */
export async function readSafetensorsFile(
  path: string,
  options: FileOptions = {},
): Promise<E.Either<SafetensorsError, ParsedSafetensors>> {
  const fs = options.fs ?? nodeFs;
  let handle: FileHandleLike;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    return E.left(ioError(path, error));
  }
  try {
    return await readChecked(handle, path);
  } catch (error) {
    return E.left(ioError(path, error));
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Like {@link readSafetensorsFile} but rejects with a `SafetensorsException`. */
export async function readSafetensorsFileOrThrow(path: string, options: FileOptions = {}): Promise<ParsedSafetensors> {
  const result = await readSafetensorsFile(path, options);
  if (E.isLeft(result)) throw new SafetensorsException(result.left);
  return result.right;
}
