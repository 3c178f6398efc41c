/**
 * @file `--resume`: the checkpoint must be one `fit` wrote for `tapenet train` (progress, key and settings in
 * its metadata), and every setting that changes what the run computes must equal the recorded one. A
 * mismatch is refused, naming each differing setting with its old and new value.
 */
import { isJsonObject, type JsonObject, readCheckpointOrThrow } from '@tapenet/train';
import { UsageError } from './command.js';
import { requireRegularFile } from './files.js';
import type { TrainSettings } from './settings.js';

type Key = keyof TrainSettings;

/** The option that sets each setting. */
const OPTION: { readonly [K in Key]: string } = {
  model: '<model>',
  dataset: '--dataset',
  dataDir: '--data-dir',
  epochs: '--epochs',
  batchSize: '--batch-size',
  lr: '--lr',
  optimizer: '--optimizer',
  schedule: '--schedule',
  weightDecay: '--weight-decay',
  augment: '--augment',
  seed: '--seed',
  backend: '--backend',
  threads: '--threads',
  valSize: '--val-size',
  trainSize: '--train-size',
  testSize: '--test-size',
  patience: '--patience',
  initFrom: '--init-from',
};

/**
 * Settings a resumed run may change, and why. Everything else must match the checkpoint.
 * - backend, threads: where the same arithmetic runs (results agree up to float rounding);
 * - dataDir: where the dataset's files are, not which data (dataset and sizes are checked);
 * - testSize: only the final test evaluation, after training;
 * - patience: when to stop early, not what any step computes;
 * - initFrom: the starting weights, which the checkpoint's params have replaced (--init-from and --resume
 *   cannot be combined anyway);
 * - epochs: only with the constant schedule, and not below the epochs already done (cosine and one-cycle
 *   schedules span the whole run: another length changes the learning rate of every remaining step).
 */
export const MAY_CHANGE_ON_RESUME: readonly Key[] = [
  'backend',
  'threads',
  'dataDir',
  'testSize',
  'patience',
  'initFrom',
];

/** What `--resume` needs from its checkpoint. */
export type Resumable = { readonly file: string; readonly settings: JsonObject; readonly epochsDone: number };

const show = (v: unknown): string => (v === null || v === undefined ? 'unset' : JSON.stringify(v));

/**
 * Reads `file` and checks it can be resumed by `tapenet train`: a regular file, a valid checkpoint, with the
 * progress and key `fit` records and the settings `tapenet train` records.
 */
export async function readResumable(file: string): Promise<Resumable> {
  await requireRegularFile('--resume', file);
  const stored = await readCheckpointOrThrow(file);
  const { progress, key, extra } = stored.meta;
  if (!isJsonObject(progress) || key === undefined) {
    throw new UsageError(
      `--resume: '${file}' was not written by a training run (its metadata has no ${!isJsonObject(progress) ? 'progress' : 'key'}), so there is nothing to continue; use --init-from to start a new run from its weights`,
    );
  }
  const settings = isJsonObject(extra) && isJsonObject(extra.settings) ? extra.settings : undefined;
  if (settings === undefined) {
    throw new UsageError(
      `--resume: '${file}' records no 'tapenet train' settings (extra.settings), so the options cannot be checked against it; use --init-from to start a new run from its weights`,
    );
  }
  const epochsDone = typeof progress.epoch === 'number' ? progress.epoch : 0;
  return { file, settings, epochsDone };
}

/** Every difference between the recorded settings and `now` that a resume may not make, as lines. */
export function resumeMismatches(r: Resumable, now: TrainSettings): string[] {
  const lines: string[] = [];
  for (const k of Object.keys(OPTION) as Key[]) {
    if (MAY_CHANGE_ON_RESUME.includes(k)) continue;
    const old = r.settings[k] ?? null;
    const cur = now[k] ?? null;
    if (old === cur) continue;
    if (
      k === 'epochs' &&
      now.schedule === 'constant' &&
      old !== null &&
      typeof cur === 'number' &&
      cur >= r.epochsDone
    ) {
      continue;
    }
    const why =
      k === 'epochs'
        ? now.schedule === 'constant'
          ? ` (${r.epochsDone} already done)`
          : ` (the ${now.schedule} schedule spans the whole run; only --schedule constant may change --epochs)`
        : '';
    lines.push(`${OPTION[k]}: ${show(old)} in the checkpoint, ${show(cur)} now${why}`);
  }
  return lines;
}

/** Throws a UsageError listing every setting that differs from the checkpoint's. */
export function checkResumeSettings(r: Resumable, now: TrainSettings): void {
  const lines = resumeMismatches(r, now);
  if (lines.length === 0) return;
  throw new UsageError(
    `--resume: ${lines.length === 1 ? 'a setting differs' : `${lines.length} settings differ`} from the run in '${r.file}' (pass the run's options): ${lines.join('; ')}`,
  );
}
