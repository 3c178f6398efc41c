/**
 * @file `saveOnnx`: export and write atomically. The bytes go to a temporary file in the target's
 * directory, which is fsynced and renamed over the target, so a reader sees the old file or the new one,
 * never a mixture; on failure the temporary file is removed and the old file is untouched. Node only:
 * `node:fs` is imported when `saveOnnx` runs, so importing the package in a browser never loads it.
 */
import type { Tensor } from '@tapenet/autodiff';
import type { Acts, Layer } from '@tapenet/layers';
import { type ExportOptions, exportOnnx } from './export.js';

/** The file calls `saveOnnx` makes (`node:fs/promises` satisfies it); tests inject failures here. */
export type FileSystem = {
  open(path: string, flags: string): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
};

/** The part of an open file `saveOnnx` uses; `fs/promises`' `FileHandle` satisfies it. */
export type FileHandleLike = {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
};

/** Options of {@link saveOnnx}: those of `exportOnnx`, and the file system to write with. */
export type SaveOptions = ExportOptions & { readonly fs?: FileSystem };

const splitPath = (path: string): [dir: string, base: string] => {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? ['.', path] : [path.slice(0, cut) || '/', path.slice(cut + 1)];
};

/** The temporary name used while writing `path`: `.<name>.<pid>.<random>.tmp` in the same directory. */
export function tempPathFor(path: string): string {
  const [dir, base] = splitPath(path);
  const random = Math.floor(Math.random() * 2 ** 48).toString(16);
  return `${dir}/.${base}.${process.pid}.${random}.tmp`;
}

async function writeAll(handle: FileHandleLike, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at, at);
    if (bytesWritten <= 0) throw new Error(`write made no progress at byte ${at} of ${bytes.length}`);
    at += bytesWritten;
  }
}

/**
 * `exportOnnx(model, params, state, options)` written to `path` atomically (temporary file beside it,
 * fsync, rename, then a best-effort fsync of the directory). Export errors are thrown before the file
 * system is touched. Returns the number of bytes written.
 * @example await saveOnnx('lenet5.onnx', net, params, state, { inShape: [1, 28, 28] });
 */
export async function saveOnnx<P, S>(
  path: string,
  model: Layer<P, S, Tensor, Acts>,
  params: P,
  state: S,
  options: SaveOptions,
): Promise<number> {
  const bytes = exportOnnx(model, params, state, options);
  const fs: FileSystem = options.fs ?? (await import('node:fs/promises'));
  const temp = tempPathFor(path);
  let handle: FileHandleLike | null = null;
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
    // Only a file this call created is removed, never one that merely has the same name.
    if (created) await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  try {
    const dir = await fs.open(splitPath(path)[0], 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Some platforms cannot fsync a directory; the data itself is already synced.
  }
  return bytes.length;
}
