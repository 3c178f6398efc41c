/** @file The Promise-returning loaders resolve with what the TaskEither loaders hold, and reject with DatasetLoadError. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatasetLoadError,
  isLeft,
  isRight,
  loadCifar10OrThrow,
  loadIdxDirectoryOrThrow,
  loadMnist,
  loadMnistOrThrow,
} from './index.js';

const empty = mkdtempSync(join(tmpdir(), 'tapenet-or-throw-'));

describe('…OrThrow loaders', () => {
  it('loadMnistOrThrow resolves with the dataset itself (not a function to call)', async () => {
    const test = await loadMnistOrThrow({ split: 'test' });
    expect(typeof test).toBe('object');
    expect([test.count, test.shape]).toEqual([10000, [1, 28, 28]]);
    const either = await loadMnist({ split: 'test' })();
    expect(isRight(either) && either.right.labels).toEqual(test.labels);
  });

  it('reject with a DatasetLoadError carrying the typed error', async () => {
    for (const load of [
      () => loadMnistOrThrow({ split: 'test', dir: empty }),
      () => loadCifar10OrThrow(empty, { split: 'test' }),
      () => loadIdxDirectoryOrThrow(empty, { split: 'train' }),
    ]) {
      const e = await load().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DatasetLoadError);
      expect((e as DatasetLoadError).error.kind).toBe('missing-file');
    }
    expect(isLeft(await loadMnist({ split: 'test', dir: empty })())).toBe(true);
  });
});
