/**
 * @file The JSON metadata of a tapenet checkpoint and its digest. The safetensors `__metadata__` holds
 * three strings: `format` (`tapenet.checkpoint/2`), `tapenet` (the JSON below) and `sha256`: the SHA-256
 * of the whole file but the digest itself (a canonical form of the header, then the tensor bytes), so
 * corrupted bytes, edited metadata, renamed keys, swapped offsets and edited shapes or dtypes are all
 * detected. Files of format 1 (digest over the tensor bytes and the `tapenet` JSON only) are still read.
 */
import { createHash } from 'node:crypto';
import type { Key } from '@tapenet/autodiff';
import type { SafetensorsEntry } from '../safetensors/index.js';
import { isJsonObject, type JsonObject, type JsonValue, readCount, readObject, readString } from './json.js';
import type { OptimizerFileRef } from './optimizer-file.js';

/** The `format` metadata value of checkpoints this version writes. */
export const CHECKPOINT_FORMAT = 'tapenet.checkpoint/2';

/** The first format, still read: its digest covers the tensor bytes and the `tapenet` JSON, not the header. */
export const CHECKPOINT_FORMAT_1 = 'tapenet.checkpoint/1';

/** Whether a `format` metadata value names a tapenet checkpoint this version reads. */
export const isCheckpointFormat = (format: string | undefined): boolean =>
  format === CHECKPOINT_FORMAT || format === CHECKPOINT_FORMAT_1;

/** What a caller records with the tensors. */
export type CheckpointMeta = {
  /** The model's name and configuration, enough to rebuild it (e.g. `{ name: 'lenet5', config: { numClasses: 10 } }`). */
  readonly model: { readonly name: string; readonly config: JsonValue };
  /** Epochs completed when the checkpoint was taken. */
  readonly epoch: number;
  /** Metrics at that point (e.g. the epoch's record). */
  readonly metrics?: JsonValue;
  /** The optimiser's name and configuration (its state is stored as tensors and leaves). */
  readonly optimizer?: { readonly name: string; readonly config: JsonValue };
  /** The run's root PRNG key. */
  readonly key?: Key;
  /** Training progress, for resuming (`fit` writes and reads it). */
  readonly progress?: JsonValue;
  /** Anything else the caller wants to keep (e.g. command-line settings). */
  readonly extra?: JsonValue;
};

/** The metadata as stored: the caller's, plus the tapenet version and the optimiser's non-tensor leaves. */
export type StoredMeta = CheckpointMeta & {
  /** The @tapenet/train version that wrote the file. */
  readonly version: string;
  /** Non-tensor optimiser leaves (step counts) by tree path; null when no optimiser state was saved. */
  readonly optimizerLeaves: Readonly<Record<string, JsonValue>> | null;
  /**
   * The file beside this one that holds the optimiser tensors, and its SHA-256; absent in files written
   * before optimiser files (they hold the optimiser tensors themselves, as `optimizer.*`).
   */
  readonly optimizerFile?: OptimizerFileRef | null;
};

/** Code-unit order, as the safetensors serializer lays out its buffer. */
const byName = (a: SafetensorsEntry, b: SafetensorsEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Hex SHA-256 of a safetensors file's content but its digest: a canonical header (as JSON: every tensor in
 * buffer order as `[name, dtype, shape, byte length]`, then every metadata entry except `sha256`, sorted
 * by key), a newline, then the tensor bytes in buffer order. Buffer order and byte lengths fix every
 * offset, so two files with the same digest hold the same tensors under the same names.
 */
export function fileDigest(
  entriesInBufferOrder: Iterable<SafetensorsEntry>,
  metadata: Readonly<Record<string, string>>,
): string {
  const entries = [...entriesInBufferOrder];
  const meta = Object.keys(metadata)
    .filter((k) => k !== 'sha256')
    .sort()
    .map((k) => [k, metadata[k]!]);
  const header = JSON.stringify({
    tensors: entries.map((e) => [e.name, e.dtype, e.shape, e.bytes.length]),
    metadata: meta,
  });
  const hash = createHash('sha256');
  hash.update(`${header}\n`, 'utf8');
  for (const e of entries) hash.update(e.bytes);
  return hash.digest('hex');
}

/** Format 1's digest: hex SHA-256 of the tensor bytes (in `entries`' order) followed by the UTF-8 metadata JSON. */
export function checksum(entries: Iterable<SafetensorsEntry>, metaJson: string): string {
  const hash = createHash('sha256');
  for (const e of entries) hash.update(e.bytes);
  hash.update(metaJson, 'utf8');
  return hash.digest('hex');
}

/** The three metadata strings for `entries` (digested in the serializer's buffer order, by name) and `meta`. */
export function encodeMetadata(entries: readonly SafetensorsEntry[], meta: StoredMeta): Record<string, string> {
  const metadata = { format: CHECKPOINT_FORMAT, tapenet: JSON.stringify(meta) };
  return { ...metadata, sha256: fileDigest([...entries].sort(byName), metadata) };
}

const isUint32 = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 32;

type Result<A> = { ok: true; value: A } | { ok: false; message: string };

/** Validates the parsed `tapenet` JSON, naming the first field that is wrong. */
export function decodeMeta(json: unknown): Result<StoredMeta> {
  const root = readObject(json, 'tapenet metadata');
  if (!root.ok) return root;
  const m = root.value;
  const version = readString(m.version, 'version');
  if (!version.ok) return version;
  const model = readObject(m.model, 'model');
  if (!model.ok) return model;
  const name = readString(model.value.name, 'model.name');
  if (!name.ok) return name;
  const epoch = readCount(m.epoch, 'epoch');
  if (!epoch.ok) return epoch;
  const k = m.key;
  if (
    k !== undefined &&
    !(isJsonObject(k) && Array.isArray(k.words) && k.words.length === 2 && k.words.every(isUint32))
  ) {
    return { ok: false, message: `key must be { kind: 'tapenet.key', words: [u32, u32] }, got ${JSON.stringify(k)}` };
  }
  if (m.optimizer !== undefined) {
    const opt = readObject(m.optimizer, 'optimizer');
    if (!opt.ok) return opt;
    const optName = readString(opt.value.name, 'optimizer.name');
    if (!optName.ok) return optName;
  }
  const leaves = m.optimizerLeaves;
  if (leaves !== null && !isJsonObject(leaves)) {
    return { ok: false, message: 'optimizerLeaves must be an object or null' };
  }
  const ref = m.optimizerFile;
  if (ref !== undefined && ref !== null) {
    const valid = isJsonObject(ref) && typeof ref.name === 'string' && typeof ref.sha256 === 'string';
    if (!valid || !/^[0-9a-f]{64}$/.test(ref.sha256 as string)) {
      return {
        ok: false,
        message: `optimizerFile must be null or { name, sha256 (64 hex digits) }, got ${JSON.stringify(ref)}`,
      };
    }
  }
  return { ok: true, value: m as JsonObject as unknown as StoredMeta };
}
