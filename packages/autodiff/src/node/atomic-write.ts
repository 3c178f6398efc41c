/**
 * @file `writeFileAtomic`: the one way tapenet writes a file (checkpoints, safetensors, ONNX, PNGs, dataset
 * caches). The bytes go to `.<name>.<pid>.<random>.tmp` in the target's directory, created exclusively
 * (never an existing file), written in full and fsynced; the temporary file is then renamed over the target
 * and the directory fsynced, so after a crash a reader finds the old file or the whole new one, never a
 * mixture. On any failure the temporary file is removed (only one this call created) and the target is
 * left as it was. `node:fs/promises` is loaded when a write runs, so importing this module in a browser
 * loads no Node built-in.
 */

/** The part of an open file a write uses; `node:fs/promises`' `FileHandle` satisfies it. */
export type WritableHandle = {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
};

/** The file-system calls a write makes; `node:fs/promises` satisfies it. Tests inject failures here. */
export type WritableFileSystem = {
  open(path: string, flags: string): Promise<WritableHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
};

/** Options of {@link writeFileAtomic}. */
export type WriteFileAtomicOptions = { readonly fs?: WritableFileSystem };

/** `path`'s directory and base name, for `/` and `\` separators (no `node:path`, so browsers can load this). */
const splitPath = (path: string): [dir: string, base: string] => {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? ['.', path] : [path.slice(0, cut) || '/', path.slice(cut + 1)];
};

const pid = (): number => (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;

/**
 * The temporary name used while writing `path`: `.<name>.<pid>.<random>.tmp` in the same directory (a rename
 * is atomic only within one file system). Hidden, and recognisable by a later run that cleans up after a crash.
 */
export function tempPathFor(path: string): string {
  const [dir, base] = splitPath(path);
  const random = Math.floor(Math.random() * 2 ** 48)
    .toString(16)
    .padStart(12, '0');
  return `${dir}/.${base}.${pid()}.${random}.tmp`;
}

async function writeAll(handle: WritableHandle, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at, at);
    if (bytesWritten <= 0) throw new Error(`write made no progress at byte ${at} of ${bytes.length}`);
    at += bytesWritten;
  }
}

/** Flushes the directory entry (the rename) to disk where the platform allows it; best effort. */
async function syncDirectory(fs: WritableFileSystem, dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms and file systems cannot fsync a directory; the data itself is already synced.
  }
}

/**
 * Writes `data` (bytes, or a string as UTF-8) to `path` atomically, as described in the file header. The
 * directory must exist. Rejects with the file system's error, the target untouched.
 * @example await writeFileAtomic('run/metrics.json', JSON.stringify(metrics));
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const fs: WritableFileSystem = options.fs ?? (await import('node:fs/promises'));
  const temp = tempPathFor(path);
  let handle: WritableHandle | null = null;
  let created = false;
  try {
    handle = await fs.open(temp, 'wx');
    created = true;
    await writeAll(handle, bytes);
    await handle.sync();
    const closing = handle;
    handle = null;
    await closing.close();
    await fs.rename(temp, path);
  } catch (error) {
    if (handle !== null) await handle.close().catch(() => undefined);
    // Only a file this call created is removed: never one that merely has the same name.
    if (created) await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(fs, splitPath(path)[0]);
}
