/**
 * @file Saving and loading checkpoints: safetensors files with tapenet metadata, written atomically
 * (temporary file + rename) and verified on load (format, checksum, then every name, dtype and shape
 * against the model). The model file is a PyTorch state_dict as it is; optimiser tensors live in a file
 * of their own beside it (see optimizer-file.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  type ParsedSafetensors,
  readSafetensorsFile,
  type SafetensorsEntry,
  writeSafetensorsFile,
} from '../safetensors/index.js';
import { tapenetVersion } from '../version.js';
import { type CheckpointError, CheckpointException } from './errors.js';
import {
  CHECKPOINT_FORMAT,
  type CheckpointMeta,
  checksum,
  decodeMeta,
  encodeMetadata,
  fileDigest,
  isCheckpointFormat,
  type StoredMeta,
} from './metadata.js';
import { readOptimizerFile, removeStaleOptimizerFiles, writeOptimizerFile } from './optimizer-file.js';
import { type CheckpointTrees, decodeTrees, encodeTrees, OPTIMIZER_PREFIX, type OptimizerPart } from './tensors.js';

/** What {@link saveCheckpoint} writes: the trees and the metadata. */
export type CheckpointContent<P, S, O> = CheckpointTrees<P, S, O> & { readonly meta: CheckpointMeta };

/** A checkpoint file read and verified (format and checksum), before matching it to a model. */
export type StoredCheckpoint = {
  readonly file: string;
  readonly meta: StoredMeta;
  readonly parsed: ParsedSafetensors;
  /** The optimiser tensors (named `optimizer.<path>`) when they were read, else why they were not. */
  readonly optimizer: ReadonlyMap<string, SafetensorsEntry> | string;
};

/** Options of {@link readCheckpoint}. */
export type ReadCheckpointOptions = {
  /** Also read and verify the optimiser file (needed to resume training; default false). */
  readonly optimizer?: boolean;
};

/** A checkpoint restored into a model's trees. */
export type LoadedCheckpoint<P, S, O> = CheckpointTrees<P, S, O> & { readonly meta: StoredMeta };

/**
 * Writes `content` to `path` atomically: params and state by tree path (torchvision's state_dict keys;
 * int32 buffers as int64), metadata as JSON with the tapenet version and a SHA-256. With `optState`, the
 * optimiser tensors (as `optimizer.<path>`) go first to `<stem>.optimizer-<hash>.safetensors` beside it,
 * which the metadata names; optimiser files of earlier saves to `path` are then removed.
 * @example await saveCheckpoint('runs/a/best.safetensors', { params, state, meta: { model: { name: 'lenet5', config: {} }, epoch: 3 } });
 */
export async function saveCheckpoint<P, S, O>(path: string, content: CheckpointContent<P, S, O>): Promise<void> {
  const { model, optimizer, optimizerLeaves } = encodeTrees(content);
  const optimizerFile = optimizer === null ? null : await writeOptimizerFile(path, optimizer);
  const meta: StoredMeta = { ...content.meta, version: tapenetVersion(), optimizerLeaves, optimizerFile };
  await writeSafetensorsFile(path, model, encodeMetadata(model, meta));
  await removeStaleOptimizerFiles(path, optimizerFile?.name ?? null);
}

/** Checks the metadata and checksum of a parsed file (its optimiser state not read; see {@link readCheckpoint}). */
export function verifyCheckpoint(parsed: ParsedSafetensors, file: string): E.Either<CheckpointError, StoredCheckpoint> {
  const { format, tapenet, sha256 } = parsed.metadata;
  if (!isCheckpointFormat(format) || tapenet === undefined || sha256 === undefined) {
    const message = `not a tapenet checkpoint: the safetensors metadata must hold format "${CHECKPOINT_FORMAT}", tapenet and sha256 (found format ${JSON.stringify(format ?? null)})`;
    return E.left({ kind: 'not-a-checkpoint', file, message });
  }
  // The parsed tensors are in buffer order and, by the reader's rules, cover the data section exactly.
  const actual =
    format === CHECKPOINT_FORMAT
      ? fileDigest(parsed.tensors.values(), parsed.metadata)
      : checksum(parsed.tensors.values(), tapenet);
  if (actual !== sha256) return E.left({ kind: 'checksum', file, expected: sha256, actual });
  let json: unknown;
  try {
    json = JSON.parse(tapenet);
  } catch (e) {
    return E.left({ kind: 'bad-metadata', file, message: `tapenet metadata is not JSON: ${(e as Error).message}` });
  }
  const meta = decodeMeta(json);
  if (!meta.ok) return E.left({ kind: 'bad-metadata', file, message: `tapenet metadata: ${meta.message}` });
  const optimizer =
    meta.value.optimizerLeaves === null
      ? 'the file holds no optimizer state'
      : 'the optimizer state was not read (readCheckpoint(path, { optimizer: true }))';
  return E.right({ file, meta: meta.value, parsed, optimizer });
}

/** The `optimizer.*` tensors a file written before optimiser files holds itself. */
const inlineOptimizer = (parsed: ParsedSafetensors): Map<string, SafetensorsEntry> =>
  new Map([...parsed.tensors].filter(([name]) => name.startsWith(`${OPTIMIZER_PREFIX}.`) || name === OPTIMIZER_PREFIX));

/**
 * Reads a checkpoint and verifies its format and checksum (without a model; see {@link restoreCheckpoint}).
 * With `{ optimizer: true }` it also reads the optimiser file the checkpoint names and checks its hash.
 * @example const stored = await readCheckpoint('runs/a/best.safetensors'); // Either
 */
export async function readCheckpoint(
  path: string,
  options: ReadCheckpointOptions = {},
): Promise<E.Either<CheckpointError, StoredCheckpoint>> {
  const parsed = await readSafetensorsFile(path);
  if (E.isLeft(parsed)) return E.left({ kind: 'safetensors', file: path, error: parsed.left });
  const verified = verifyCheckpoint(parsed.right, path);
  if (E.isLeft(verified) || options.optimizer !== true || verified.right.meta.optimizerLeaves === null) return verified;
  const ref = verified.right.meta.optimizerFile;
  if (ref === undefined || ref === null)
    return E.right({ ...verified.right, optimizer: inlineOptimizer(parsed.right) });
  const tensors = await readOptimizerFile(path, ref);
  return E.isLeft(tensors) ? tensors : E.right({ ...verified.right, optimizer: tensors.right });
}

/**
 * Matches a verified checkpoint to `template` (trees from the model's `init`, and the optimiser's `init`
 * when the optimiser state should be restored too): every difference in names, dtypes and shapes is
 * reported at once. Returns fresh tensors (not views of the file).
 */
export function restoreCheckpoint<P, S, O>(
  stored: StoredCheckpoint,
  template: CheckpointTrees<P, S, O>,
): E.Either<CheckpointError, LoadedCheckpoint<P, S, O>> {
  const optimizer: OptimizerPart | string =
    typeof stored.optimizer === 'string'
      ? stored.optimizer
      : { tensors: stored.optimizer, leaves: stored.meta.optimizerLeaves ?? {} };
  const result = decodeTrees(template, stored.parsed.tensors, optimizer);
  if (!result.ok) return E.left({ kind: 'mismatch', file: stored.file, differences: result.differences });
  return E.right({ ...result.trees, meta: stored.meta });
}

/**
 * Reads, verifies and restores a checkpoint in one go.
 * @example
 * const init = model.init(key(0), [1, 28, 28]);
 * const loaded = await loadCheckpoint('runs/a/best.safetensors', { params: init.params, state: init.state });
 */
export async function loadCheckpoint<P, S, O>(
  path: string,
  template: CheckpointTrees<P, S, O>,
): Promise<E.Either<CheckpointError, LoadedCheckpoint<P, S, O>>> {
  const stored = await readCheckpoint(path, { optimizer: template.optState !== undefined });
  return E.isLeft(stored) ? stored : restoreCheckpoint(stored.right, template);
}

/** {@link readCheckpoint}, rejecting with a `CheckpointException`. */
export async function readCheckpointOrThrow(
  path: string,
  options: ReadCheckpointOptions = {},
): Promise<StoredCheckpoint> {
  const r = await readCheckpoint(path, options);
  if (E.isLeft(r)) throw new CheckpointException(r.left);
  return r.right;
}

/** {@link loadCheckpoint}, rejecting with a `CheckpointException`. */
export async function loadCheckpointOrThrow<P, S, O>(
  path: string,
  template: CheckpointTrees<P, S, O>,
): Promise<LoadedCheckpoint<P, S, O>> {
  const r = await loadCheckpoint(path, template);
  if (E.isLeft(r)) throw new CheckpointException(r.left);
  return r.right;
}

/** {@link restoreCheckpoint}, throwing a `CheckpointException`. */
export function restoreCheckpointOrThrow<P, S, O>(
  stored: StoredCheckpoint,
  template: CheckpointTrees<P, S, O>,
): LoadedCheckpoint<P, S, O> {
  const r = restoreCheckpoint(stored, template);
  if (E.isLeft(r)) throw new CheckpointException(r.left);
  return r.right;
}
