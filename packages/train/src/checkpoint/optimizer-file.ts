/**
 * @file The optimiser state of a checkpoint, in a safetensors file of its own beside the model file, so
 * that the model file is exactly a state_dict (PyTorch's `load_state_dict` refuses keys it does not know,
 * and no prefix is ignored). The file is named by its content, `<stem>.optimizer-<16 hex>.safetensors`,
 * and written before the model file that names it: a save interrupted between the two leaves the previous
 * model file pointing at its own, still present, optimiser file. Files of earlier saves are removed after
 * the model file is in place.
 */
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { readSafetensorsFile, type SafetensorsEntry, writeSafetensorsFile } from '../safetensors/index.js';
import type { CheckpointError } from './errors.js';
import { fileDigest } from './metadata.js';

/** The `format` metadata value of optimiser files. */
export const OPTIMIZER_FORMAT = 'tapenet.optimizer/1';

/** How a model file refers to its optimiser file: a name in the same directory and the file's SHA-256. */
export type OptimizerFileRef = { readonly name: string; readonly sha256: string };

const SUFFIX = '.safetensors';
const stemOf = (modelPath: string): string => {
  const base = basename(modelPath);
  return base.endsWith(SUFFIX) ? base.slice(0, -SUFFIX.length) : base;
};
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const namePattern = (stem: string): RegExp =>
  new RegExp(`^${escapeRegExp(stem)}\\.optimizer-[0-9a-f]{16}\\.safetensors$`);

/** Whether `name` is a plain optimiser-file name for the model file `modelPath` (no directory part). */
export const isOptimizerFileName = (modelPath: string, name: string): boolean =>
  namePattern(stemOf(modelPath)).test(name);

const byName = (a: SafetensorsEntry, b: SafetensorsEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Writes the optimiser entries beside `modelPath` (atomically) and returns the reference to store. */
export async function writeOptimizerFile(
  modelPath: string,
  entries: readonly SafetensorsEntry[],
): Promise<OptimizerFileRef> {
  // Digested in the serializer's buffer order (by name), as the reader will see the file.
  const sha256 = fileDigest([...entries].sort(byName), { format: OPTIMIZER_FORMAT });
  const name = `${stemOf(modelPath)}.optimizer-${sha256.slice(0, 16)}${SUFFIX}`;
  await writeSafetensorsFile(join(dirname(modelPath), name), entries, { format: OPTIMIZER_FORMAT, sha256 });
  return { name, sha256 };
}

/** Removes the optimiser files of earlier saves of `modelPath` (all but `keep`); best effort. */
export async function removeStaleOptimizerFiles(modelPath: string, keep: string | null): Promise<void> {
  const pattern = namePattern(stemOf(modelPath));
  const names = await readdir(dirname(modelPath)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n !== keep && pattern.test(n))
      .map((n) => unlink(join(dirname(modelPath), n)).catch(() => undefined)),
  );
}

/**
 * Reads the optimiser file `ref` of the model file `modelPath` and checks that it is the one the model
 * file names: its format, and its content hash against `ref.sha256`.
 */
export async function readOptimizerFile(
  modelPath: string,
  ref: OptimizerFileRef,
): Promise<E.Either<CheckpointError, ReadonlyMap<string, SafetensorsEntry>>> {
  if (!isOptimizerFileName(modelPath, ref.name)) {
    const message = `optimizerFile.name ${JSON.stringify(ref.name)} is not an optimizer file name for this checkpoint`;
    return E.left({ kind: 'bad-metadata', file: modelPath, message });
  }
  const file = join(dirname(modelPath), ref.name);
  const parsed = await readSafetensorsFile(file);
  if (E.isLeft(parsed)) return E.left({ kind: 'safetensors', file, error: parsed.left });
  const { format } = parsed.right.metadata;
  if (format !== OPTIMIZER_FORMAT) {
    const message = `not a tapenet optimizer file: format ${JSON.stringify(format ?? null)}, expected "${OPTIMIZER_FORMAT}"`;
    return E.left({ kind: 'not-a-checkpoint', file, message });
  }
  const actual = fileDigest(parsed.right.tensors.values(), parsed.right.metadata);
  if (actual !== ref.sha256) return E.left({ kind: 'checksum', file, expected: ref.sha256, actual });
  return E.right(parsed.right.tensors);
}
