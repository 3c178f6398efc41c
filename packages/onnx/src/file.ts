/**
 * @file `saveOnnx`: export and write atomically with `writeFileAtomic` of `@tapenet/autodiff/node` (a
 * temporary file in the target's directory, fsynced and renamed over the target, so a reader sees the old
 * file or the new one, never a mixture; on failure the temporary file is removed and the old file is
 * untouched). Node only: `node:fs` is loaded when a write runs, so importing the package in a browser never
 * loads it.
 */
import type { Tensor } from '@tapenet/autodiff';
import { type WritableFileSystem, type WritableHandle, writeFileAtomic } from '@tapenet/autodiff/node';
import type { Acts, Layer } from '@tapenet/layers';
import { type ExportOptions, exportOnnx } from './export.js';

/** The file calls `saveOnnx` makes (`node:fs/promises` satisfies it); tests inject failures here. */
export type FileSystem = WritableFileSystem;

/** The part of an open file `saveOnnx` uses; `fs/promises`' `FileHandle` satisfies it. */
export type FileHandleLike = WritableHandle;

/** Options of {@link saveOnnx}: those of `exportOnnx`, and the file system to write with. */
export type SaveOptions = ExportOptions & { readonly fs?: FileSystem };

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
  await writeFileAtomic(path, bytes, options.fs === undefined ? {} : { fs: options.fs });
  return bytes.length;
}
