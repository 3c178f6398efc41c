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
export { CIFAR10_ARCHIVE_FOLDER, CIFAR10_FILES, type LoadCifar10Options, loadCifar10 } from './cifar-loader.js';
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
  MNIST_FILE_NAMES,
  readIdx,
  type Split,
} from './idx-loader.js';
export { type LoadMnistOptions, loadMnist } from './mnist.js';
export { computePixelStats, type PixelStats } from './stats.js';
