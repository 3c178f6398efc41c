/** @file The one error type of the exporter. */

/**
 * Thrown when a model cannot be exported: a bad argument, a model whose traces disagree, or an op with
 * no ONNX mapping. The message names the argument, or the layer path and the op, and what was expected:
 * `onnx export: features.3 (op 'scatterAddAlongAxis'): no ONNX mapping (...)`.
 */
export class OnnxExportError extends Error {
  constructor(detail: string, options?: { readonly cause?: unknown }) {
    super(`onnx export: ${detail}`, options);
    this.name = 'OnnxExportError';
  }
}
