/** @file Typed errors of checkpoint loading, and their one-line messages. */
import { formatSafetensorsError, type SafetensorsError } from '../safetensors/index.js';

/** One way the tensors in a file differ from what the model (the template) expects. */
export type Difference =
  | { readonly kind: 'missing'; readonly name: string; readonly dtype: string; readonly shape: readonly number[] }
  | { readonly kind: 'unexpected'; readonly name: string; readonly dtype: string; readonly shape: readonly number[] }
  | { readonly kind: 'dtype'; readonly name: string; readonly expected: string; readonly actual: string }
  | {
      readonly kind: 'shape';
      readonly name: string;
      readonly expected: readonly number[];
      readonly actual: readonly number[];
    }
  | { readonly kind: 'leaf'; readonly name: string; readonly message: string };

/** Every way a checkpoint can be refused. Each names the file. */
export type CheckpointError =
  | { readonly kind: 'safetensors'; readonly file: string; readonly error: SafetensorsError }
  | { readonly kind: 'not-a-checkpoint'; readonly file: string; readonly message: string }
  | { readonly kind: 'bad-metadata'; readonly file: string; readonly message: string }
  | { readonly kind: 'checksum'; readonly file: string; readonly expected: string; readonly actual: string }
  | { readonly kind: 'mismatch'; readonly file: string; readonly differences: readonly Difference[] }
  | {
      readonly kind: 'state-dict';
      readonly file: string;
      readonly missing: readonly string[];
      readonly unexpected: readonly string[];
      readonly mismatched: readonly Difference[];
    }
  | { readonly kind: 'bad-value'; readonly file: string; readonly name: string; readonly message: string };

/** The discriminant of {@link CheckpointError}. */
export type CheckpointErrorKind = CheckpointError['kind'];

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** One line about one difference, e.g. `"fc1.weight": shape [120, 400] in the file, the model expects [120, 256]`. */
export function formatDifference(d: Difference): string {
  const name = JSON.stringify(d.name);
  switch (d.kind) {
    case 'missing':
      return `${name} (${d.dtype} ${shapeText(d.shape)}) is missing from the file`;
    case 'unexpected':
      return `${name} (${d.dtype} ${shapeText(d.shape)}) is in the file but not in the model`;
    case 'dtype':
      return `${name}: dtype ${d.actual} in the file, the model expects ${d.expected}`;
    case 'shape':
      return `${name}: shape ${shapeText(d.actual)} in the file, the model expects ${shapeText(d.expected)}`;
    case 'leaf':
      return `${name}: ${d.message}`;
  }
}

/** How many differences a message lists before summarising the rest. */
const LISTED = 12;

/** A one-line, human-readable description of `e`, naming the file and exactly what is wrong. */
export function formatCheckpointError(e: CheckpointError): string {
  switch (e.kind) {
    case 'safetensors':
      return formatSafetensorsError(e.error);
    case 'not-a-checkpoint':
    case 'bad-metadata':
      return `${e.file}: ${e.message}`;
    case 'checksum':
      return `${e.file}: checksum mismatch: the metadata records SHA-256 ${e.expected} but the file hashes to ${e.actual} (it was corrupted or edited)`;
    case 'state-dict': {
      // Every key is listed, as PyTorch's load_state_dict does: the user needs the whole picture to rename.
      const parts = [
        e.missing.length > 0 ? `missing keys (${e.missing.length}): ${e.missing.join(', ')}` : '',
        e.unexpected.length > 0 ? `unexpected keys (${e.unexpected.length}): ${e.unexpected.join(', ')}` : '',
        e.mismatched.length > 0
          ? `mismatched (${e.mismatched.length}): ${e.mismatched.map(formatDifference).join('; ')}`
          : '',
      ].filter((p) => p !== '');
      return `${e.file}: does not match the model's state dict (strict): ${parts.join('. ')} (load with { strict: false } to skip these)`;
    }
    case 'bad-value':
      return `${e.file}: ${e.message}`;
    case 'mismatch': {
      const n = e.differences.length;
      const listed = e.differences.slice(0, LISTED).map(formatDifference);
      const more = n > LISTED ? `; and ${n - LISTED} more` : '';
      return `${e.file}: does not match the model (${n} difference${n === 1 ? '' : 's'}): ${listed.join('; ')}${more}`;
    }
  }
}

/** The exception the throwing wrappers raise; `error` holds the typed error. */
export class CheckpointException extends Error {
  override readonly name = 'CheckpointException';
  constructor(readonly error: CheckpointError) {
    super(formatCheckpointError(error));
  }
}
