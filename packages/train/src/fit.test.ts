import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key, type Tensor, treePaths } from '@tapenet/autodiff';
import { augment } from '@tapenet/datasets';
import { adam, constantSchedule, cosineDecaySchedule, sgd } from '@tapenet/optim';
import { describe, expect, it } from 'vitest';
import { tinyConv, tinyDataset, tinyMlp } from '../test/fixtures.js';
import { readCheckpointOrThrow, saveCheckpoint } from './checkpoint/io.js';
import { fit } from './fit.js';
import type { EpochRecord, FitOptions } from './fit-types.js';

const train = tinyDataset(60, 1);
const validation = tinyDataset(30, 2);
const tmp = () => mkdtempSync(join(tmpdir(), 'tapenet-fit-'));
const model = { name: 'tiny', config: {} };

const withoutTimings = (h: readonly EpochRecord[]) => h.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest);
const leavesOf = (tree: unknown) =>
  treePaths(tree).map(([path, leaf]) => [path, typeof leaf === 'number' ? leaf : [...(leaf as Tensor).data()]]);

describe('fit', () => {
  it('learns the tiny task, validates every epoch and calls the callbacks', async () => {
    const seen = { start: 0, batch: 0, validation: 0, end: 0 };
    const result = await fit({
      model: tinyMlp(),
      optimizer: adam({ lr: 0.02 }),
      train,
      validation,
      epochs: 4,
      batchSize: 16,
      key: key(0),
      callbacks: {
        onEpochStart: ({ batches }) => {
          expect(batches).toBe(4);
          seen.start++;
        },
        onBatchEnd: (info) => {
          expect(info.done).toBe(Math.min(60, (info.batch + 1) * 16));
          seen.batch++;
        },
        onValidationBatch: () => seen.validation++,
        onEpochEnd: () => seen.end++,
      },
    });
    expect(seen).toEqual({ start: 4, batch: 16, validation: 4, end: 4 });
    expect(result.stopped).toBe('completed');
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    const last = result.history[3]!;
    expect(last.validation!.accuracy).toBeGreaterThan(0.9);
    expect(last.train.loss).toBeLessThan(result.history[0]!.train.loss);
    expect(result.best!.monitor).toBe('val_accuracy');
    expect(result.progress.step).toBe(16);
  });

  it('reports the scheduled learning rate of each epoch and feeds it to the optimizer', async () => {
    const result = await fit({
      model: tinyMlp(),
      optimizer: (lr) => sgd({ lr }),
      schedule: ({ totalSteps }) => cosineDecaySchedule({ init: 0.1, totalSteps }),
      train,
      epochs: 2,
      batchSize: 30,
      key: key(0),
    });
    const s = cosineDecaySchedule({ init: 0.1, totalSteps: 4 });
    expect(result.history.map((r) => r.lr)).toEqual([s(1), s(3)]);
    expect(result.best!.monitor).toBe('accuracy');
  });

  it('stops early when the monitored metric stops improving', async () => {
    const result = await fit({
      model: tinyMlp(),
      optimizer: sgd({ lr: 0 }), // nothing changes, so validation loss never improves after epoch 1
      train,
      validation,
      epochs: 10,
      batchSize: 30,
      key: key(0),
      earlyStopping: { patience: 2, monitor: 'val_loss' },
    });
    expect(result.stopped).toBe('early-stopping');
    expect(result.history).toHaveLength(3);
    expect(result.best).toMatchObject({ epoch: 1, monitor: 'val_loss' });
  });

  it('stops when onEpochEnd says so, keeping the best checkpoint of the best epoch', async () => {
    const dir = tmp();
    const result = await fit({
      model: tinyConv(),
      optimizer: adam({ lr: 0.05 }),
      train,
      validation,
      epochs: 5,
      batchSize: 20,
      key: key(3),
      checkpoint: { dir, model },
      callbacks: { onEpochEnd: (r: EpochRecord) => (r.epoch === 3 ? 'stop' : undefined) },
    });
    expect(result.stopped).toBe('callback');
    // Each checkpoint and the one optimiser file it names; those of earlier epochs are gone.
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => !f.includes('.optimizer-'))).toEqual(['best.safetensors', 'last.safetensors']);
    expect(files.filter((f) => f.startsWith('best.optimizer-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('last.optimizer-'))).toHaveLength(1);
    const best = await readCheckpointOrThrow(join(dir, 'best.safetensors'));
    expect(best.meta.epoch).toBe(result.best!.epoch);
    const last = await readCheckpointOrThrow(join(dir, 'last.safetensors'));
    expect(last.meta).toMatchObject({ epoch: 3, model, metrics: { epoch: 3 } });
  });

  it('refuses bad options with a message naming them', async () => {
    const base: FitOptions<unknown, unknown, unknown> = {
      model: tinyMlp() as never,
      optimizer: adam(),
      train,
      epochs: 1,
      key: key(0),
    };
    await expect(fit({ ...base, epochs: 0 })).rejects.toThrow('fit: epochs must be a positive integer, got 0');
    await expect(fit({ ...base, batchSize: 1.5 })).rejects.toThrow(
      'fit: batchSize must be a positive integer, got 1.5',
    );
    await expect(fit({ ...base, schedule: () => constantSchedule(1) })).rejects.toThrow(
      /a schedule needs optimizer to be a function of the learning rate/,
    );
  });
});

describe('resume', () => {
  const options = (dir: string, extra: Partial<FitOptions<unknown, unknown, unknown>> = {}) =>
    ({
      model: tinyConv(),
      optimizer: (lr: number | ((s: number) => number)) => adam({ lr }),
      schedule: ({ totalSteps }: { totalSteps: number }) => cosineDecaySchedule({ init: 0.05, totalSteps }),
      train,
      validation,
      epochs: 3,
      batchSize: 16,
      key: key(11),
      augment: augment({ translate: 1 }),
      checkpoint: { dir, model },
      ...extra,
    }) as FitOptions<unknown, unknown, unknown>;

  it('continues an interrupted run to the same params, state, optimizer state and metrics', async () => {
    const straight = await fit(options(tmp()));

    const dir = tmp();
    const controller = new AbortController();
    const stopped = await fit(
      options(dir, {
        signal: controller.signal,
        callbacks: { onBatchEnd: (b) => (b.epoch === 1 && b.batch === 1 ? controller.abort() : undefined) },
      }),
    );
    expect(stopped.stopped).toBe('interrupted');
    expect(stopped.progress).toMatchObject({ epoch: 1, batch: 2, step: 6 });
    expect(stopped.history).toHaveLength(1);

    let batchesRun = 0;
    const resumed = await fit(
      options(tmp(), { resume: join(dir, 'last.safetensors'), callbacks: { onBatchEnd: () => batchesRun++ } }),
    );
    expect(resumed.stopped).toBe('completed');
    expect(batchesRun).toBe(straight.progress.step - 6); // only the batches not done before the interruption
    expect(withoutTimings(resumed.history)).toEqual(withoutTimings(straight.history));
    expect(leavesOf(resumed.params)).toEqual(leavesOf(straight.params));
    expect(leavesOf(resumed.state)).toEqual(leavesOf(straight.state));
    expect(leavesOf(resumed.optState)).toEqual(leavesOf(straight.optState));
    expect(resumed.best).toEqual(straight.best);
  });

  it('also resumes from the end of an epoch and refuses another key', async () => {
    const dir = tmp();
    const first = await fit(options(dir, { epochs: 3, callbacks: { onEpochEnd: () => 'stop' } }));
    expect(first.progress).toMatchObject({ epoch: 1, batch: 0 });
    const last = join(dir, 'last.safetensors');
    await expect(fit(options(tmp(), { resume: last, key: key(12) }))).rejects.toThrow(
      /cannot resume: the run used key \[0, 11\] but fit was given \[0, 12\]/,
    );
    // A checkpoint saved by hand (no run key, no progress) is refused for what it is, not for its seed.
    const byHand = join(tmp(), 'hand.safetensors');
    const trees = tinyConv().init(key(0), [1, 4, 4]);
    await saveCheckpoint(byHand, { ...trees, meta: { model: { name: 'tiny', config: {} }, epoch: 1 } });
    await expect(fit(options(tmp(), { resume: byHand }))).rejects.toThrow(
      /cannot resume: this checkpoint was not written by fit \(its metadata has no run key and progress\)/,
    );
    const straight = await fit(options(tmp()));
    let epochsRun = 0;
    const resumed = await fit(options(tmp(), { resume: last, callbacks: { onEpochStart: () => epochsRun++ } }));
    expect(epochsRun).toBe(2);
    expect(leavesOf(resumed.params)).toEqual(leavesOf(straight.params));
  });
});
