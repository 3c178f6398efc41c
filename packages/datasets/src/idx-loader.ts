/** @file Loading image/label IDX pairs (MNIST's format: EMNIST, KMNIST, ...) from a folder, gzip included. */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { type DatasetError, datasetError, runOrThrow } from './errors.js';
import { exists, readMaybeGzip } from './fs-io.js';
import { type IdxArray, parseIdx } from './idx.js';

/** Which part of a dataset to load. */
export type Split = 'train' | 'test';

/** A whole split of an image-classification dataset, as bytes. */
export type ImageDataset = {
  /** `count x C x H x W` pixel bytes (NCHW), 0-255. */
  readonly images: Uint8Array;
  /** `count` class indices, each below `classNames.length`. */
  readonly labels: Uint8Array;
  readonly count: number;
  /** `[C, H, W]` of one image. */
  readonly shape: readonly [channels: number, height: number, width: number];
  readonly classNames: readonly string[];
};

/** File names of an IDX dataset folder. */
export type IdxFileNames = {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
};

/** MNIST's file names, also used by Fashion-MNIST and KMNIST releases (`.gz` variants are found too). */
export const MNIST_FILE_NAMES: IdxFileNames = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** What an image/label IDX pair must satisfy. Unset fields are not checked. */
export type IdxPairCheck = {
  /** Class names; labels must be below its length. Default: `'0'..String(maxLabel)`. */
  readonly classNames?: readonly string[];
  /** `[height, width]` every image must have. */
  readonly imageSize?: readonly [number, number];
  /** Exact number of examples. */
  readonly count?: number;
};

const dims = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Checks a parsed images file (ubyte, `[N, H, W]`) against its labels file (ubyte, `[N]`) and builds the
 * {@link ImageDataset} (single channel; `images` shares memory with `images.data`).
 */
export const datasetFromIdx = (
  images: { readonly file: string; readonly idx: IdxArray },
  labels: { readonly file: string; readonly idx: IdxArray },
  check: IdxPairCheck = {},
): E.Either<DatasetError, ImageDataset> => {
  const img = images.idx;
  const lab = labels.idx;
  if (img.type !== 'ubyte')
    return E.left(datasetError('bad-type', images.file, `holds ${img.type} images, expected ubyte`));
  if (lab.type !== 'ubyte')
    return E.left(datasetError('bad-type', labels.file, `holds ${lab.type} labels, expected ubyte`));
  const [n, h, w] = img.shape;
  if (img.shape.length !== 3 || n === undefined || h === undefined || w === undefined) {
    return E.left(
      datasetError('bad-dims', images.file, `has dimensions ${dims(img.shape)}, expected [N, height, width]`),
    );
  }
  if (check.imageSize !== undefined && (h !== check.imageSize[0] || w !== check.imageSize[1])) {
    const want = `${check.imageSize[0]}x${check.imageSize[1]}`;
    return E.left(datasetError('bad-dims', images.file, `has ${h}x${w} images, expected ${want}`));
  }
  if (lab.shape.length !== 1) {
    return E.left(datasetError('bad-dims', labels.file, `has dimensions ${dims(lab.shape)}, expected [N]`));
  }
  if (lab.data.length !== n) {
    return E.left(
      datasetError('count-mismatch', images.file, `has ${n} images but ${labels.file} has ${lab.data.length} labels`),
    );
  }
  if (check.count !== undefined && n !== check.count) {
    return E.left(datasetError('count-mismatch', images.file, `has ${n} images, expected ${check.count}`));
  }
  const maxLabel = lab.data.reduce((m, v) => Math.max(m, v), -1);
  const classNames = check.classNames ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  if (maxLabel >= classNames.length) {
    const at = lab.data.findIndex((v) => v >= classNames.length);
    const problem = `label ${at} is ${lab.data[at]}, but there are ${classNames.length} classes (0-${classNames.length - 1})`;
    return E.left(datasetError('label-out-of-range', labels.file, problem));
  }
  return E.right({ images: img.data, labels: lab.data, count: n, shape: [1, h, w], classNames });
};

/** Reads and parses one IDX file (`.gz` inflated), of at most `maxBytes` (inflated) when given. */
export const readIdx = (
  file: string,
  maxBytes?: number,
): TE.TaskEither<DatasetError, { readonly file: string; readonly idx: IdxArray }> =>
  pipe(
    readMaybeGzip(file, maxBytes),
    TE.chainEitherK((bytes) => parseIdx(bytes, file)),
    TE.map((idx) => ({ file, idx })),
  );

/** The first candidate path that exists, else a `missing-file` error listing every candidate. */
const findFile = (dir: string, what: string, candidates: readonly string[]): TE.TaskEither<DatasetError, string> =>
  pipe(
    TE.fromTask(async () => {
      for (const name of candidates) if (await exists(join(dir, name))) return join(dir, name);
      return undefined;
    }),
    TE.chain((found) =>
      found !== undefined
        ? TE.right(found)
        : TE.left(
            datasetError(
              'missing-file',
              join(dir, candidates[0] ?? ''),
              `no ${what} file: looked for ${candidates.join(' and ')} in ${dir}`,
            ),
          ),
    ),
  );

/** Options of {@link loadIdxDirectory}. */
export type LoadIdxDirectoryOptions = IdxPairCheck & {
  readonly split: Split;
  /** File names inside the folder, used exactly as given; by default {@link MNIST_FILE_NAMES}, plain or `.gz`. */
  readonly files?: Partial<IdxFileNames>;
};

/**
 * Loads one split of an MNIST-format dataset from `dir`: an images file (ubyte `[N, H, W]`) and a labels file
 * (ubyte `[N]`), each optionally gzip-compressed (name ending in `.gz`). Image and label counts must agree.
 * Images are returned as `N x 1 x H x W`.
 * @example await runOrThrow(loadIdxDirectory('./kmnist', { split: 'train', classNames: KMNIST_NAMES }))
 */
export const loadIdxDirectory = (
  dir: string,
  options: LoadIdxDirectoryOptions,
): TE.TaskEither<DatasetError, ImageDataset> => {
  const key =
    options.split === 'train' ? (['trainImages', 'trainLabels'] as const) : (['testImages', 'testLabels'] as const);
  const candidates = (k: keyof IdxFileNames): readonly string[] => {
    const given = options.files?.[k];
    return given !== undefined ? [given] : [MNIST_FILE_NAMES[k], `${MNIST_FILE_NAMES[k]}.gz`];
  };
  // With the count and image size known, each file's exact size is too (MNIST's training images: 16 + 60,000
  // × 28 × 28 = 47,040,016 bytes), and nothing larger is read or inflated.
  const { count, imageSize } = options;
  const imageBytes =
    count !== undefined && imageSize !== undefined ? 16 + count * imageSize[0] * imageSize[1] : undefined;
  const labelBytes = count !== undefined ? 8 + count : undefined;
  const load = (k: keyof IdxFileNames, what: string, maxBytes: number | undefined) =>
    pipe(
      findFile(dir, what, candidates(k)),
      TE.chain((file) => readIdx(file, maxBytes)),
    );
  // One file at a time (bind, not apS): at most one file's bytes are being inflated at once.
  return pipe(
    TE.Do,
    TE.bind('images', () => load(key[0], `${options.split} images`, imageBytes)),
    TE.bind('labels', () => load(key[1], `${options.split} labels`, labelBytes)),
    TE.chainEitherK(({ images, labels }) => datasetFromIdx(images, labels, options)),
  );
};

/**
 * {@link loadIdxDirectory} as a plain Promise: resolves with the dataset, rejects with a `DatasetLoadError`.
 * @example const emnist = await loadIdxDirectoryOrThrow('./emnist', { split: 'test', files: EMNIST_FILES });
 */
export const loadIdxDirectoryOrThrow = (dir: string, options: LoadIdxDirectoryOptions): Promise<ImageDataset> =>
  runOrThrow(loadIdxDirectory(dir, options));
