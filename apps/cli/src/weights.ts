/**
 * @file `--weights FILE` and `--init-from FILE`: a zoo model's params and state from a safetensors state
 * dict, one PyTorch wrote (torchvision's keys) or a tapenet checkpoint, through `loadStateDict`.
 */
import type { Key } from '@tapenet/autodiff';
import type { Layer } from '@tapenet/layers';
import { formatDifference, type LoadedStateDict, loadStateDictOrThrow } from '@tapenet/train';
import { UsageError } from './command.js';
import { requireRegularFile } from './files.js';

/**
 * The model's params and state with every tensor loaded from `file` (strict: the file must hold exactly
 * the model's keys, shapes and compatible dtypes; the error lists every difference).
 */
export async function loadWeights(
  option: string,
  file: string,
  model: Layer<unknown, unknown>,
  inShape: readonly number[],
  initKey: Key,
): Promise<LoadedStateDict<unknown, unknown>> {
  await requireRegularFile(option, file);
  return loadStateDictOrThrow(file, model.init(initKey, inShape));
}

/**
 * For fine-tuning: the tensors of `file` that match the model by key and shape, the rest from `initKey`
 * (non-strict), and one line saying what was skipped. Refuses a file of which nothing matches.
 */
export async function initFrom(
  file: string,
  model: Layer<unknown, unknown>,
  inShape: readonly number[],
  initKey: Key,
): Promise<{ loaded: LoadedStateDict<unknown, unknown>; report: string }> {
  await requireRegularFile('--init-from', file);
  const loaded = await loadStateDictOrThrow(file, model.init(initKey, inShape), { strict: false });
  if (loaded.loaded.length === 0) {
    throw new UsageError(`--init-from: no tensor of '${file}' matches the model by name and shape`);
  }
  const skipped = [
    loaded.missing.length > 0
      ? `kept the initialisation of ${loaded.missing.length} (${loaded.missing.join(', ')})`
      : '',
    loaded.mismatched.length > 0
      ? `skipped ${loaded.mismatched.length} that differ (${loaded.mismatched.map(formatDifference).join('; ')})`
      : '',
    loaded.unexpected.length > 0
      ? `ignored ${loaded.unexpected.length} the model lacks (${loaded.unexpected.join(', ')})`
      : '',
  ].filter((s) => s !== '');
  const report = `init from ${file}: loaded ${loaded.loaded.length} tensors${skipped.length > 0 ? `; ${skipped.join('; ')}` : ''}`;
  return { loaded, report };
}
