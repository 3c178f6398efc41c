/**
 * @file `fit`: the training loop. It drives the pure `trainStep` over seeded batches, epoch by epoch,
 * validates after each epoch, tracks metrics, keeps the best checkpoint, stops early, calls callbacks, and
 * can stop cleanly (after the current batch) and later resume exactly where it stopped.
 *
 * Determinism: epoch `e`'s batches come from `batches(train, { key: foldIn(key, 1), epoch: e })` and batch
 * `b`'s dropout key is `foldIn(foldIn(foldIn(key, 2), e), b)`, so every batch is a function of its position
 * alone; with the trees, optimiser state and running sums saved in a checkpoint, a resumed run computes the
 * same numbers as one that was never interrupted.
 */
import { dispose, foldIn, type Key, scope } from '@tapenet/autodiff';
import { batches } from '@tapenet/datasets';
import { softmaxCrossEntropy } from '@tapenet/layers';
import type { GradientTransformation, Schedule } from '@tapenet/optim';
import { evaluate } from './evaluate.js';
import { decodeProgress, improves, monitored, NO_SUMS, START } from './fit-progress.js';
import type { Best, EpochRecord, FitOptions, FitProgress, FitResult, Monitor, StopReason } from './fit-types.js';
import { addSums, defaultTopK, summarize } from './metrics.js';
import { makeTrainStep } from './step.js';
import { resumeTrees, writeRunCheckpoint } from './fit-checkpoint.js';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function checkOptions<P, S, O>(o: FitOptions<P, S, O>): void {
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`fit: ${name} must be a positive integer, got ${v}`);
    }
  };
  positive('epochs', o.epochs);
  positive('batchSize', o.batchSize);
  positive('evalBatchSize', o.evalBatchSize);
  if (o.train.count === 0) throw new RangeError('fit: train has no examples');
  if (o.schedule !== undefined && typeof o.optimizer !== 'function') {
    throw new TypeError(
      'fit: a schedule needs optimizer to be a function of the learning rate, e.g. (lr) => adam({ lr })',
    );
  }
  const es = o.earlyStopping;
  if (es !== undefined && !(Number.isInteger(es.patience) && es.patience > 0)) {
    throw new RangeError(`fit: earlyStopping.patience must be a positive integer, got ${es.patience}`);
  }
}

/**
 * Trains `model` on `train` for `epochs` epochs (or until early stopping, a callback, or `signal`).
 * @example
 * const result = await fit({ model, optimizer: (lr) => adam({ lr }), schedule: ({ totalSteps }) =>
 *   cosineDecaySchedule({ init: 1e-3, totalSteps }), train, validation, epochs: 5, key: key(0) });
 */
export async function fit<P, S, O>(options: FitOptions<P, S, O>): Promise<FitResult<P, S, O>> {
  checkOptions(options);
  const { model, train, validation, epochs, callbacks = {}, signal, augment } = options;
  const batchSize = options.batchSize ?? 64;
  const loss = options.loss ?? softmaxCrossEntropy;
  const topK = options.topK ?? defaultTopK(train.classNames.length);
  const stepsPerEpoch = Math.ceil(train.count / batchSize);
  const plan = { stepsPerEpoch, totalSteps: epochs * stepsPerEpoch };
  const schedule: Schedule | undefined = options.schedule?.(plan);
  const optimizer: GradientTransformation<O> =
    typeof options.optimizer === 'function' ? options.optimizer(schedule ?? 1e-3) : options.optimizer;
  const monitor: Monitor =
    options.monitor ?? options.earlyStopping?.monitor ?? (validation ? 'val_accuracy' : 'accuracy');
  const keys: { init: Key; data: Key; dropout: Key } = {
    init: foldIn(options.key, 0),
    data: foldIn(options.key, 1),
    dropout: foldIn(options.key, 2),
  };

  const init = options.init ?? model.init(keys.init, train.shape);
  let params = init.params;
  let state = init.state;
  let optState = optimizer.init(params);
  let progress: FitProgress = START;
  if (options.resume !== undefined) {
    const loaded = await resumeTrees(options.resume, { params, state, optState }, options.key);
    ({ params, state } = loaded);
    optState = loaded.optState;
    progress = decodeProgress(loaded.progress, options.resume);
  }

  const trainStep = makeTrainStep({ model, loss, optimizer, topK });
  /** Whether params, state and optState were made by this loop's last step and given to no one yet. */
  let owned = false;
  const save = async (file: 'last' | 'best'): Promise<void> => {
    if (options.checkpoint === undefined) return;
    await writeRunCheckpoint(options.checkpoint, file, { params, state, optState }, progress, options.key);
  };
  const finish = async (stopped: StopReason): Promise<FitResult<P, S, O>> => {
    if (stopped === 'interrupted') await save('last');
    return { params, state, optState, history: progress.history, best: progress.best, stopped, progress };
  };
  const lrAt = (step: number): number | undefined =>
    schedule === undefined ? undefined : schedule(Math.max(0, step - 1));

  while (progress.epoch < epochs) {
    const epoch = progress.epoch;
    const stream = batches(train, { batchSize, key: keys.data, epoch, ...(augment === undefined ? {} : { augment }) });
    if (progress.batch === 0) {
      await callbacks.onEpochStart?.({ epoch, epochs, batches: stream.length, total: train.count });
    }
    const started = performance.now() / 1000 - progress.seconds;
    for (let b = progress.batch; b < stream.length; b++) {
      if (signal?.aborted) return finish('interrupted');
      const key = foldIn(foldIn(keys.dropout, epoch), b);
      // The batch and every intermediate of the step are released when the scope ends; the trees the
      // step returns are kept. The trees it replaced are released too when this loop made them and
      // handed them to no one (a callback may keep what it is given).
      const r = scope(() => trainStep(params, state, optState, stream.at(b), key));
      if (owned) dispose({ params, state, optState }, { keep: r });
      owned = true;
      ({ params, state, optState } = r);
      const sums = addSums(progress.sums, r.metrics);
      const step = progress.step + 1;
      progress = { ...progress, batch: b + 1, step, sums, seconds: performance.now() / 1000 - started };
      const lr = lrAt(step);
      await callbacks.onBatchEnd?.({
        epoch,
        epochs,
        batch: b,
        batches: stream.length,
        step,
        done: sums.count,
        total: train.count,
        metrics: summarize(r.metrics, topK),
        running: summarize(sums, topK),
        ...(lr === undefined ? {} : { lr }),
      });
      await yieldToEventLoop();
    }
    if (signal?.aborted) return finish('interrupted');
    let val: EpochRecord['validation'];
    if (validation !== undefined) {
      const onBatch = callbacks.onValidationBatch;
      val = await evaluate({
        model,
        params,
        state,
        data: validation,
        batchSize: options.evalBatchSize ?? 500,
        loss,
        topK,
        ...(signal === undefined ? {} : { signal }),
        ...(onBatch === undefined ? {} : { onBatch: (done: number, total: number) => onBatch(done, total) }),
      });
      if (signal?.aborted) return finish('interrupted');
    }
    const lr = lrAt(progress.step);
    const record: EpochRecord = {
      epoch: epoch + 1,
      ...(lr === undefined ? {} : { lr }),
      train: summarize(progress.sums, topK),
      ...(val === undefined ? {} : { validation: val }),
      seconds: progress.seconds,
      imagesPerSecond: progress.seconds > 0 ? progress.sums.count / progress.seconds : 0,
    };
    const value = monitored(record, monitor);
    const minDelta = options.earlyStopping?.minDelta ?? 0;
    const better = value !== undefined && improves(value, progress.best, monitor, minDelta);
    const best: Best | null = better ? { epoch: epoch + 1, monitor, value } : progress.best;
    progress = {
      epoch: epoch + 1,
      batch: 0,
      step: progress.step,
      sums: NO_SUMS,
      seconds: 0,
      history: [...progress.history, record],
      best,
      wait: better ? 0 : progress.wait + 1,
    };
    if (better) await save('best');
    await save('last');
    owned = false; // handed to the callback below
    const verdict = await callbacks.onEpochEnd?.(record, { params, state, optState, best, history: progress.history });
    if (options.earlyStopping !== undefined && progress.wait >= options.earlyStopping.patience) {
      return finish('early-stopping');
    }
    if (verdict === 'stop') return finish('callback');
  }
  return finish('completed');
}
