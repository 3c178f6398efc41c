/**
 * @file `@tapenet/autodiff/node`: what tapenet's Node-side writers share, the atomic file write and the PNG
 * encoder. It lives here, in the lowest package that every writer (datasets, train, vis, onnx) already
 * depends on, as a subpath so that the tensor API never carries it; it loads no Node built-in until a file
 * is written or an image encoded.
 */
export { crc32, encodePng, PNG_SIGNATURE, type RasterImage } from './png.js';
export {
  tempPathFor,
  type WritableFileSystem,
  type WritableHandle,
  type WriteFileAtomicOptions,
  writeFileAtomic,
} from './atomic-write.js';
