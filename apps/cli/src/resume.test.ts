import { describe, expect, it } from 'vitest';
import { checkResumeSettings, MAY_CHANGE_ON_RESUME, type Resumable, resumeMismatches } from './resume.js';
import type { TrainSettings } from './settings.js';

const settings: TrainSettings = {
  model: 'lenet5',
  dataset: 'mnist',
  dataDir: null,
  epochs: 4,
  batchSize: 64,
  lr: 0.001,
  optimizer: 'adam',
  schedule: 'cosine',
  weightDecay: 0,
  augment: 'none',
  seed: 0,
  backend: 'wasm',
  threads: null,
  valSize: 5000,
  trainSize: null,
  testSize: null,
  patience: null,
  initFrom: null,
};
const recorded = (s: Partial<TrainSettings> = {}, epochsDone = 2): Resumable => ({
  file: 'run/last.safetensors',
  settings: { ...settings, ...s },
  epochsDone,
});

describe('resume settings check', () => {
  it('accepts the same settings, and changes of the documented list only', () => {
    expect(resumeMismatches(recorded(), settings)).toEqual([]);
    expect(MAY_CHANGE_ON_RESUME).toEqual(['backend', 'threads', 'dataDir', 'testSize', 'patience', 'initFrom']);
    const changed = { backend: 'reference', threads: 2, dataDir: '/data', testSize: 10, patience: 3 } as const;
    expect(resumeMismatches(recorded(), { ...settings, ...changed })).toEqual([]);
  });

  it.each([
    ['model', 'mlp', '<model>: "lenet5" in the checkpoint, "mlp" now'],
    ['dataset', 'fashion-mnist', '--dataset: "mnist" in the checkpoint, "fashion-mnist" now'],
    ['batchSize', 32, '--batch-size: 64 in the checkpoint, 32 now'],
    ['lr', 0.01, '--lr: 0.001 in the checkpoint, 0.01 now'],
    ['optimizer', 'sgd', '--optimizer: "adam" in the checkpoint, "sgd" now'],
    ['weightDecay', 0.1, '--weight-decay: 0 in the checkpoint, 0.1 now'],
    ['augment', 'shift', '--augment: "none" in the checkpoint, "shift" now'],
    ['seed', 1, '--seed: 0 in the checkpoint, 1 now'],
    ['valSize', 100, '--val-size: 5000 in the checkpoint, 100 now'],
    ['trainSize', 640, '--train-size: unset in the checkpoint, 640 now'],
  ] as const)('refuses a changed %s', (field, value, line) => {
    expect(resumeMismatches(recorded(), { ...settings, [field]: value })).toEqual([line]);
  });

  it('lets --epochs change with the constant schedule only, and not below the epochs done', () => {
    expect(resumeMismatches(recorded(), { ...settings, epochs: 6 })).toEqual([
      '--epochs: 4 in the checkpoint, 6 now (the cosine schedule spans the whole run; only --schedule constant may change --epochs)',
    ]);
    const constant = { ...settings, schedule: 'constant' as const };
    expect(resumeMismatches(recorded({ schedule: 'constant' }), { ...constant, epochs: 6 })).toEqual([]);
    expect(resumeMismatches(recorded({ schedule: 'constant' }), { ...constant, epochs: 1 })).toEqual([
      '--epochs: 4 in the checkpoint, 1 now (2 already done)',
    ]);
  });

  it('names every difference in one error', () => {
    expect(() => checkResumeSettings(recorded(), { ...settings, lr: 0.01, seed: 3 })).toThrow(
      "--resume: 2 settings differ from the run in 'run/last.safetensors' (pass the run's options): --lr: 0.001 in the checkpoint, 0.01 now; --seed: 0 in the checkpoint, 3 now",
    );
  });
});
