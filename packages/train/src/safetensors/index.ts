/**
 * @file Public surface of the safetensors module: a strict reader and a deterministic, atomic writer
 * for the safetensors format (https://github.com/huggingface/safetensors), on plain bytes.
 */
export { canLoad, type Converted, convertEntry, halfToNumber, int64Entry, LOADABLE_FROM } from './convert.js';
export { byteSize, DTYPE_BITS, isSafeDType, SAFE_DTYPES, type SafeDType } from './dtype.js';
export {
  formatSafetensorsError,
  type SafetensorsError,
  type SafetensorsErrorKind,
  SafetensorsException,
} from './errors.js';
export {
  type FileHandleLike,
  type FileOptions,
  type FileSystem,
  readSafetensorsFile,
  readSafetensorsFileOrThrow,
  writeSafetensorsFile,
} from './file.js';
/** Re-exported: the temporary-file name every atomic write in tapenet uses (see `@tapenet/autodiff/node`). */
export { tempPathFor } from '@tapenet/autodiff/node';
export { MAX_DIMENSION, METADATA_KEY } from './header.js';
export {
  MAX_HEADER_LENGTH,
  MAX_RANK,
  MAX_TENSORS,
  type ParsedSafetensors,
  parseSafetensors,
  parseSafetensorsOrThrow,
  type SafetensorsEntry,
} from './parse.js';
export { checkEntries, serializeSafetensors } from './serialize.js';
export { fromTypedArray, HOST_LITTLE_ENDIAN, toTypedArray, type TypedArrayOf, type TypedDType } from './typed.js';
