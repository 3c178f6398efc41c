/**
 * @file `tapenet eval <run-or-checkpoint>`: evaluate a saved model on a dataset split; or
 * `tapenet eval <model> --weights FILE`: a zoo model with weights from any safetensors state dict.
 */
import { key } from '@tapenet/autodiff';
import { take } from '@tapenet/datasets';
import { evaluate, isJsonObject, readCheckpointOrThrow, restoreCheckpointOrThrow } from '@tapenet/train';
import { choice, int, parse, positionals, str } from '../args.js';
import { BACKENDS, useBackend } from '../backend.js';
import { type Command, EXIT, guarded, type Io, UsageError } from '../command.js';
import { DATASETS, loadSplit } from '../data.js';
import { runCheckpoint } from '../files.js';
import { percent } from '../format.js';
import { buildModel } from '../models.js';
import { loadWeights } from '../weights.js';

const usage = `Usage: tapenet eval <run-folder | checkpoint.safetensors> [options]
       tapenet eval <model> --weights FILE.safetensors --dataset NAME [options]

Evaluates a checkpoint (a run folder means its best.safetensors) on a dataset split and prints the loss,
accuracy (and top-5 accuracy with more than 10 classes). The model is rebuilt from the checkpoint's metadata;
every tensor's name, dtype and shape is checked against it. With --weights, the zoo model <model> (built
for the dataset's image shape and classes) takes its weights from FILE: a state dict PyTorch wrote with
safetensors (torchvision's keys; F32, F64, F16, BF16, integer buffers I64 or I32) or a tapenet checkpoint.

Options:
  --weights FILE       a safetensors state dict for the zoo model named first (strict: every key must match)
  --dataset NAME       mnist, fashion-mnist or cifar10 (default: the dataset the run was trained on)
  --data-dir DIR       folder with the dataset files (required for cifar10)
  --split NAME         test (default) or train
  --batch-size N       examples per batch (default 500)
  --test-size N        evaluate the first N examples only
  --backend NAME       wasm (default), reference, gpujs
  -h, --help           this help`;

const OPTIONS = {
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  split: { type: 'string' },
  'batch-size': { type: 'string' },
  'test-size': { type: 'string' },
  backend: { type: 'string' },
  weights: { type: 'string' },
} as const;

async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, OPTIONS);
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [target] = positionals(p, ['run-or-checkpoint']) as [string];
  const which = choice(p, 'split', ['test', 'train'] as const, 'test');
  const batchSize = int(p, 'batch-size', 500);
  const limit = str(p, 'test-size') === undefined ? undefined : int(p, 'test-size', 1);
  const weights = str(p, 'weights');
  const backend = useBackend(choice(p, 'backend', BACKENDS, 'wasm'), undefined);
  try {
    if (weights !== undefined) {
      const dataset = choice(p, 'dataset', DATASETS, 'none' as (typeof DATASETS)[number]);
      if (!(DATASETS as readonly string[]).includes(dataset)) {
        throw new UsageError(`--weights needs --dataset <${DATASETS.join('|')}>`);
      }
      const full = await loadSplit(dataset, which, str(p, 'data-dir'));
      const data = limit === undefined ? full : take(full, Math.min(limit, full.count));
      const model = buildModel(target, full.shape, full.classNames.length);
      const { params, state } = await loadWeights('--weights', weights, model, full.shape, key(0));
      const r = await evaluate({ model, params, state, data, batchSize });
      io.stdout.write(
        `${target} (${weights}) on ${dataset} ${which} (${r.count} images, ${backend.mode}): ` +
          `accuracy ${percent(r.accuracy)}${r.topK === undefined ? '' : `, top-5 ${percent(r.topK)}`}, loss ${r.loss.toFixed(4)}\n`,
      );
      return EXIT.ok;
    }
    const file = await runCheckpoint('<run-or-checkpoint>', target);
    const stored = await readCheckpointOrThrow(file);
    const extra = stored.meta.extra;
    const settings = isJsonObject(extra) && isJsonObject(extra.settings) ? extra.settings : {};
    const trainedOn = typeof settings.dataset === 'string' ? settings.dataset : undefined;
    const dataset = choice(p, 'dataset', DATASETS, (trainedOn ?? 'none') as (typeof DATASETS)[number]);
    if (!(DATASETS as readonly string[]).includes(dataset)) {
      throw new UsageError(`missing --dataset <${DATASETS.join('|')}> (the checkpoint does not say)`);
    }
    const dataDir = str(p, 'data-dir') ?? (typeof settings.dataDir === 'string' ? settings.dataDir : undefined);
    const full = await loadSplit(dataset, which, dataDir);
    const data = limit === undefined ? full : take(full, Math.min(limit, full.count));
    const model = buildModel(stored.meta.model.name, full.shape, full.classNames.length);
    const init = model.init(key(0), full.shape);
    const restored = restoreCheckpointOrThrow(stored, { params: init.params, state: init.state });
    const r = await evaluate({ model, params: restored.params, state: restored.state, data, batchSize });
    io.stdout.write(
      `${stored.meta.model.name} (${file}, epoch ${stored.meta.epoch}) on ${dataset} ${which} (${r.count} images, ${backend.mode}): ` +
        `accuracy ${percent(r.accuracy)}${r.topK === undefined ? '' : `, top-5 ${percent(r.topK)}`}, loss ${r.loss.toFixed(4)}\n`,
    );
    return EXIT.ok;
  } finally {
    backend.release();
  }
}

/** `tapenet eval`. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a run folder or checkpoint on a dataset split',
  usage,
  run: (argv, io) => guarded(evalCommand, io, () => run(argv, io)),
};
