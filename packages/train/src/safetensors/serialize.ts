/** @file Deterministic serialization of tensors and string metadata to safetensors bytes. */
import * as E from 'fp-ts/lib/Either.js';
import { byteSize, isSafeDType } from './dtype.js';
import { type SafetensorsError, SafetensorsException } from './errors.js';
import { METADATA_KEY } from './header.js';
import { MAX_HEADER_LENGTH, type SafetensorsEntry } from './parse.js';

const FILE = '<serialize>';

/** A string with an unpaired UTF-16 surrogate cannot be written as UTF-8 JSON faithfully. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Code-unit order: total, locale-independent, and the same on every machine. */
const byName = (a: SafetensorsEntry, b: SafetensorsEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function checkEntry(entry: SafetensorsEntry): E.Either<SafetensorsError, SafetensorsEntry> {
  const { name, dtype, shape, bytes } = entry;
  if (typeof name !== 'string' || name === METADATA_KEY || !isWellFormed(name)) {
    const message = name === METADATA_KEY ? `the name ${METADATA_KEY} is reserved` : 'name is not a well-formed string';
    return E.left({ kind: 'bad-name', file: FILE, tensor: String(name), message });
  }
  if (!isSafeDType(String(dtype))) return E.left({ kind: 'unknown-dtype', file: FILE, tensor: name, dtype });
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    const message = 'shape must be an array of non-negative safe integers';
    return E.left({ kind: 'bad-shape', file: FILE, tensor: name, message });
  }
  if (!(bytes instanceof Uint8Array)) {
    return E.left({ kind: 'bad-entry', file: FILE, tensor: name, message: 'bytes is not a Uint8Array' });
  }
  const size = byteSize(dtype, shape);
  if (!size.ok && size.reason === 'overflow')
    return E.left({ kind: 'overflow', file: FILE, tensor: name, dtype, shape });
  if (!size.ok) {
    return E.left({ kind: 'misaligned', file: FILE, tensor: name, dtype, elements: size.elements, bits: size.bits });
  }
  if (size.bytes !== bytes.length) {
    const actualBytes = bytes.length;
    return E.left({
      kind: 'size-mismatch',
      file: FILE,
      tensor: name,
      dtype,
      shape,
      expectedBytes: size.bytes,
      actualBytes,
    });
  }
  return E.right(entry);
}

function checkMetadata(metadata: Readonly<Record<string, string>>): E.Either<SafetensorsError, [string, string][]> {
  const pairs = Object.entries(metadata);
  for (const [key, value] of pairs) {
    if (typeof value !== 'string') {
      return E.left({ kind: 'bad-metadata', file: FILE, key, message: 'value is not a string' });
    }
    if (!isWellFormed(key) || !isWellFormed(value)) {
      return E.left({ kind: 'bad-metadata', file: FILE, key, message: 'key or value is not a well-formed string' });
    }
  }
  return E.right(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Checks entries and metadata for serialization and returns the entries sorted by name: names unique,
 * not `__metadata__`, well-formed; dtypes known; shapes of non-negative safe integers; `bytes.length`
 * equal to the size the dtype and shape imply; metadata values strings.
 */
export function checkEntries(
  entries: readonly SafetensorsEntry[],
  metadata: Readonly<Record<string, string>> = {},
): E.Either<SafetensorsError, { sorted: SafetensorsEntry[]; metadata: [string, string][] }> {
  const sorted: SafetensorsEntry[] = [];
  for (const entry of entries) {
    const checked = checkEntry(entry);
    if (E.isLeft(checked)) return checked;
    sorted.push(checked.right);
  }
  sorted.sort(byName);
  for (let i = 1; i < sorted.length; i++) {
    const name = sorted[i]!.name;
    if (name === sorted[i - 1]!.name) return E.left({ kind: 'duplicate-key', file: FILE, key: name, path: 'entries' });
  }
  return E.map((pairs: [string, string][]) => ({ sorted, metadata: pairs }))(checkMetadata(metadata));
}

/** The header JSON, in the reference's field order, before padding. */
function headerJson(sorted: readonly SafetensorsEntry[], metadata: readonly [string, string][]): string {
  const parts: string[] = [];
  if (metadata.length > 0) {
    const fields = metadata.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const { name, dtype, shape, bytes } of sorted) {
    const end = offset + bytes.length;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  return `{${parts.join(',')}}`;
}

/**
 * Serializes tensors and optional string metadata to safetensors bytes. Deterministic: tensors are
 * sorted by name (code-unit order) and packed in that order, metadata keys are sorted, `__metadata__`
 * is omitted when there is none, and the header is padded with spaces to a multiple of 8 bytes so the
 * byte buffer starts 8-aligned. Throws a `SafetensorsException` for invalid entries (see
 * {@link checkEntries}) or a header over `MAX_HEADER_LENGTH`.
 *
 * @example
 * const bytes = serializeSafetensors([fromTypedArray('w', [2, 2], new Float32Array([1, 2, 3, 4]))], { step: '10' });
 */
export function serializeSafetensors(
  entries: readonly SafetensorsEntry[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const checked = checkEntries(entries, metadata);
  if (E.isLeft(checked)) throw new SafetensorsException(checked.left);
  const { sorted, metadata: pairs } = checked.right;
  const json = new TextEncoder().encode(headerJson(sorted, pairs));
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new SafetensorsException({ kind: 'header-too-large', file: FILE, headerLength, limit: MAX_HEADER_LENGTH });
  }
  const dataLength = sorted.reduce((n, e) => n + e.bytes.length, 0);
  const out = new Uint8Array(8 + headerLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { bytes } of sorted) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}
