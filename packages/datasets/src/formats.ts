/** @file Public surface of the file formats and loaders (re-exported by the package index). */
export {
  CIFAR_IMAGE_BYTES,
  CIFAR10_RECORD_BYTES,
  CIFAR100_RECORD_BYTES,
  type CifarBatch,
  parseCifar10,
  parseCifar100,
  serializeCifar10,
  serializeCifar100,
} from './cifar.js';
export {
  CIFAR10_ARCHIVE_FOLDER,
  CIFAR10_FILES,
  type LoadCifar10Options,
  loadCifar10,
  loadCifar10OrThrow,
} from './cifar-loader.js';
export {
  CIFAR10_CLASS_NAMES,
  CIFAR10_NORMALIZATION,
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_NORMALIZATION,
  MNIST_CLASS_NAMES,
  MNIST_NORMALIZATION,
  type Normalization,
} from './constants.js';
export {
  type DatasetError,
  type DatasetErrorKind,
  DatasetLoadError,
  datasetError,
  orThrow,
  runOrThrow,
} from './errors.js';
export {
  defaultCacheDir,
  type FashionMnistDataset,
  type LoadFashionMnistOptions,
  loadFashionMnist,
  loadFashionMnistOrThrow,
} from './fashion-mnist.js';
export {
  IDX_MAX_PAYLOAD_BYTES,
  type IdxArray,
  type IdxArrayOf,
  type IdxDataMap,
  type IdxType,
  idxElementSize,
  type ParseIdxOptions,
  parseIdx,
  serializeIdx,
} from './idx.js';
export {
  datasetFromIdx,
  type IdxFileNames,
  type IdxPairCheck,
  type ImageDataset,
  type LoadIdxDirectoryOptions,
  loadIdxDirectory,
  loadIdxDirectoryOrThrow,
  MNIST_FILE_NAMES,
  readIdx,
  type Split,
} from './idx-loader.js';
export { type LoadMnistOptions, loadMnist, loadMnistOrThrow } from './mnist.js';
export { computePixelStats, type PixelStats } from './stats.js';
// The fp-ts pieces a caller of the Either / TaskEither functions needs, so that using them needs no fp-ts
// import of your own (fp-ts is this package's dependency; add it to yours only for the rest of fp-ts).
export { type Either, isLeft, isRight } from 'fp-ts/lib/Either.js';
export type { TaskEither } from 'fp-ts/lib/TaskEither.js';
