/**
 * @file Public surface of @tapenet/onnx: export a `@tapenet/layers` model in inference mode to ONNX
 * (`exportOnnx` → bytes, `saveOnnx` → an atomically written file).
 */
export { OnnxExportError } from './errors.js';
export { type ExportOptions, exportOnnx } from './export.js';
export { type FileHandleLike, type FileSystem, type SaveOptions, saveOnnx } from './file.js';
export { MAPPING } from './ops.js';
export { TRACE_BATCHES } from './record.js';
export { VERSION } from './version.js';
