/** @file How `fit` writes its run checkpoints (`last`, `best`) and reads one back to resume. */
import { join } from 'node:path';
import type { Key } from '@tapenet/autodiff';
import * as E from 'fp-ts/lib/Either.js';
import { CheckpointException } from './checkpoint/errors.js';
import { readCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint/io.js';
import type { JsonValue } from './checkpoint/json.js';
import type { CheckpointOptions, FitProgress, Snapshot } from './fit-types.js';

/** The file name of a run checkpoint in `CheckpointOptions.dir`. */
export const checkpointFile = (dir: string, which: 'last' | 'best'): string => join(dir, `${which}.safetensors`);

/** Writes `dir/<which>.safetensors` with the trees, the progress and the run's key (atomically). */
export async function writeRunCheckpoint<P, S, O>(
  options: CheckpointOptions,
  which: 'last' | 'best',
  trees: Snapshot<P, S, O>,
  progress: FitProgress,
  key: Key,
): Promise<void> {
  const last = progress.history.at(-1);
  await saveCheckpoint(checkpointFile(options.dir, which), {
    ...trees,
    meta: {
      model: options.model,
      epoch: progress.epoch,
      metrics: (last ?? null) as JsonValue,
      ...(options.optimizer === undefined ? {} : { optimizer: options.optimizer }),
      key,
      progress: progress as unknown as JsonValue,
      ...(options.extra === undefined ? {} : { extra: options.extra }),
    },
  });
}

const keyText = (k: { readonly words: readonly number[] } | undefined): string =>
  k === undefined ? 'none' : `[${k.words.join(', ')}]`;

/**
 * Loads a run checkpoint into `template` (model and optimiser trees) for resuming, refusing one made with
 * another root key (its batches would differ).
 * @throws CheckpointException for an unreadable or mismatched file; Error for a different key.
 */
export async function resumeTrees<P, S, O>(
  path: string,
  template: Snapshot<P, S, O>,
  key: Key,
): Promise<Snapshot<P, S, O> & { progress: unknown }> {
  const stored = await readCheckpoint(path, { optimizer: true });
  if (E.isLeft(stored)) throw new CheckpointException(stored.left);
  const saved = stored.right.meta.key;
  if (saved === undefined || stored.right.meta.progress === undefined) {
    throw new Error(
      `${path}: cannot resume: this checkpoint was not written by fit (its metadata has no run key and progress); load its weights with loadStateDict or fit's init option instead`,
    );
  }
  if (saved.words[0] !== key.words[0] || saved.words[1] !== key.words[1]) {
    throw new Error(
      `${path}: cannot resume: the run used key ${keyText(saved)} but fit was given ${keyText(key)} (use the same seed)`,
    );
  }
  const restored = restoreCheckpoint(stored.right, template);
  if (E.isLeft(restored)) throw new CheckpointException(restored.left);
  const { params, state, optState } = restored.right;
  if (optState === undefined) throw new Error(`${path}: cannot resume: the file holds no optimizer state`);
  return { params, state, optState, progress: stored.right.meta.progress };
}
