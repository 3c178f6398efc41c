/** @file CIFAR-10 from the binary batches in a folder the user provides (no package ships them). */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { CIFAR_IMAGE_BYTES, type CifarBatch, parseCifar10 } from './cifar.js';
import { CIFAR10_CLASS_NAMES } from './constants.js';
import { type DatasetError, datasetError, runOrThrow } from './errors.js';
import { exists, readBytes } from './fs-io.js';
import type { ImageDataset, Split } from './idx-loader.js';

/** The batch files of each split of the CIFAR-10 binary release. */
export const CIFAR10_FILES: { readonly [S in Split]: readonly string[] } = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

/** The folder name the release's archive extracts to; {@link loadCifar10} also looks inside it. */
export const CIFAR10_ARCHIVE_FOLDER = 'cifar-10-batches-bin';

const HOW_TO_GET =
  'Download the "CIFAR-10 binary version (suitable for C programs)" from the CIFAR page of the University of ' +
  `Toronto (Alex Krizhevsky's datasets), extract the archive, and pass the resulting ${CIFAR10_ARCHIVE_FOLDER} ` +
  'folder (or its parent) as the directory';

/** Options of {@link loadCifar10}. */
export type LoadCifar10Options = { readonly split: Split };

/** Concatenates parsed batches into one split. */
const concat = (batches: readonly CifarBatch[]): ImageDataset => {
  const count = batches.reduce((n, b) => n + b.count, 0);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const b of batches) {
    images.set(b.images, at * CIFAR_IMAGE_BYTES);
    labels.set(b.labels, at);
    at += b.count;
  }
  return { images, labels, count, shape: [3, 32, 32], classNames: CIFAR10_CLASS_NAMES };
};

/** Picks `dir` or `dir/cifar-10-batches-bin`, whichever holds every file of the split. */
const findFolder =
  (dir: string, names: readonly string[]): TE.TaskEither<DatasetError, string> =>
  async () => {
    const missingIn = async (folder: string) => {
      const present = await Promise.all(names.map((n) => exists(join(folder, n))));
      return names.filter((_, i) => !present[i]);
    };
    const missing = await missingIn(dir);
    if (missing.length === 0) return E.right(dir);
    const nested = join(dir, CIFAR10_ARCHIVE_FOLDER);
    if ((await missingIn(nested)).length === 0) return E.right(nested);
    const what = (await exists(dir))
      ? `is missing ${missing.join(', ')}`
      : `does not exist (expected ${names.join(', ')})`;
    return E.left(datasetError('missing-file', dir, `${what}. ${HOW_TO_GET}`));
  };

/** The size of one CIFAR-10 batch file: 10,000 records of 1 label byte and 3 × 32 × 32 pixel bytes. */
export const CIFAR10_BATCH_BYTES = 10_000 * 3073;

/**
 * Loads one split of CIFAR-10 from `dir`: train = `data_batch_1.bin` ... `data_batch_5.bin` (50,000 images),
 * test = `test_batch.bin` (10,000). Images are `N x 3 x 32 x 32` bytes (NCHW, RGB), labels 0-9 (airplane ... truck).
 * When files are missing, the error lists them and says where to get them.
 * @example const test = await runOrThrow(loadCifar10('./cifar-10-batches-bin', { split: 'test' }));
 */
export const loadCifar10 = (dir: string, options: LoadCifar10Options): TE.TaskEither<DatasetError, ImageDataset> => {
  const names = CIFAR10_FILES[options.split];
  return pipe(
    findFolder(dir, names),
    TE.chain((folder) =>
      pipe(
        names,
        TE.traverseSeqArray((name) => {
          const file = join(folder, name);
          return pipe(
            // A batch file holds 10,000 records of 3,073 bytes; a larger file is refused before it is read.
            readBytes(file, CIFAR10_BATCH_BYTES),
            TE.chainEitherK((bytes) => parseCifar10(bytes, file)),
          );
        }),
      ),
    ),
    TE.map(concat),
  );
};

/**
 * {@link loadCifar10} as a plain Promise: resolves with the dataset, rejects with a `DatasetLoadError`.
 * @example const test = await loadCifar10OrThrow('./cifar-10-batches-bin', { split: 'test' });
 */
export const loadCifar10OrThrow = (dir: string, options: LoadCifar10Options): Promise<ImageDataset> =>
  runOrThrow(loadCifar10(dir, options));
