/**
 * @file `@tapenet/autodiff/node`: what tapenet's Node-side writers share. It lives here, in the lowest
 * package that every writer (datasets, train, vis, onnx) already depends on, as a subpath so that the
 * tensor API never carries it; it needs no Node built-in until a write runs.
 */
export {
  tempPathFor,
  type WritableFileSystem,
  type WritableHandle,
  type WriteFileAtomicOptions,
  writeFileAtomic,
} from './atomic-write.js';
