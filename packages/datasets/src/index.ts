/**
 * @file Public surface of @tapenet/datasets: file formats and loaders, the `Dataset` value and its seeded
 * pipeline (shuffle, take, split, map, batches), augmentation, and the PNG encoder (re-exported from
 * @tapenet/autodiff/node).
 */
export * from './formats.js';
export { type Augment, type AugmentOptions, augment } from './augment.js';
export {
  type Batch,
  type BatchOptions,
  type BatchStream,
  batches,
  gatherPixels,
  type MaterializeOptions,
  materialize,
  normalizePixels,
} from './batch.js';
export {
  type Dataset,
  type Example,
  type ExampleFn,
  fromImageDataset,
  type ImageShape,
  type ImageSource,
  labelAt,
  labelsOf,
  map,
  shuffle,
  skip,
  take,
} from './dataset.js';
export { type TileOptions, tileImages } from './grid.js';
// The PNG encoder is @tapenet/autodiff/node's (one encoder for datasets and vis), re-exported.
export { crc32, encodePng, PNG_SIGNATURE, type RasterImage } from '@tapenet/autodiff/node';
export { type SplitOptions, split, stratifiedQuotas } from './split.js';
export {
  adjustImages,
  flipImages,
  type InverseAffine,
  type PixelArray,
  type PixelBatch,
  rotateImages,
  rotateScaleInverse,
  scaleImages,
  shiftImages,
  warpImages,
} from './warp.js';
