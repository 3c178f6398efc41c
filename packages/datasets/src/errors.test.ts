/** @file The throwing conveniences keep the typed error. */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { describe, expect, it } from 'vitest';
import { DatasetLoadError, datasetError, orThrow, runOrThrow } from './errors.js';

describe('orThrow / runOrThrow', () => {
  const err = datasetError('bad-magic', 'f.idx', 'magic number 0x01020304 does not start with two zero bytes');

  it('returns Right values and throws DatasetLoadError carrying the typed error', () => {
    expect(orThrow(E.right(3))).toBe(3);
    try {
      orThrow(E.left(err));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetLoadError);
      expect(e instanceof DatasetLoadError && e.error).toEqual(err);
      expect(e instanceof Error && e.message).toBe(
        '[bad-magic] f.idx: magic number 0x01020304 does not start with two zero bytes',
      );
    }
  });

  it('runs a TaskEither', async () => {
    await expect(runOrThrow(TE.right('ok'))).resolves.toBe('ok');
    await expect(runOrThrow(TE.left(err))).rejects.toMatchObject({ name: 'DatasetLoadError', error: err });
  });
});
