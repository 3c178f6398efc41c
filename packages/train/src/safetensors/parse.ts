/**
 * @file Parsing a whole safetensors file held in memory. Layout: 8-byte little-endian header length
 * `N`, then `N` bytes of UTF-8 JSON, then the byte buffer the header's offsets point into.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { SafeDType } from './dtype.js';
import { type SafetensorsError, SafetensorsException } from './errors.js';
import { type Header, validateHeader } from './header.js';
import { parseJson } from './json.js';

/** The largest header accepted, in bytes; the reference implementation's limit. */
export const MAX_HEADER_LENGTH = 100_000_000;

/**
 * The most tensors one file may hold. Real checkpoints hold hundreds to a few thousand per file (even
 * mixture-of-experts models of tens of thousands of tensors ship in shards of about a thousand); the bound
 * stops a hostile header of millions of empty entries after 2¹⁶ of them (about 0.3-1 s of parsing on a
 * 2-core VM, where the whole header took 78 s and 1.5 GiB).
 */
export const MAX_TENSORS = 65_536;

/** The highest rank accepted: PyTorch's own limit on tensor dimensions is 64. */
export const MAX_RANK = 64;

/** One tensor: its name, dtype, row-major shape and little-endian bytes. */
export type SafetensorsEntry = {
  readonly name: string;
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
};

/** The content of a safetensors file: tensors in buffer order, and the string metadata (`{}` if none). */
export type ParsedSafetensors = {
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
};

/**
 * Reads the header length `N` from the first 8 bytes of a file of `fileSize` bytes and checks it
 * before anything is decoded or allocated: the file holds the 8 bytes (`too-small`), `N` is at most
 * {@link MAX_HEADER_LENGTH} (`header-too-large`), and `8 + N <= fileSize` (`header-length`).
 */
export function readHeaderLength(
  prefix: Uint8Array,
  fileSize: number,
  file: string,
): E.Either<SafetensorsError, number> {
  if (fileSize < 8 || prefix.length < 8) return E.left({ kind: 'too-small', file, fileSize });
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_LENGTH)) {
    return E.left({ kind: 'header-too-large', file, headerLength: Number(n), limit: MAX_HEADER_LENGTH });
  }
  const headerLength = Number(n);
  if (8 + headerLength > fileSize) return E.left({ kind: 'header-length', file, headerLength, fileSize });
  return E.right(headerLength);
}

function decodeHeader(bytes: Uint8Array, file: string): E.Either<SafetensorsError, string> {
  const first = bytes[0];
  if (first !== 0x7b) return E.left({ kind: 'header-start', file, byte: first ?? -1 });
  try {
    // fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a BOM is kept (and then fails as JSON).
    return E.right(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    return E.left({ kind: 'bad-utf8', file });
  }
}

function parseHeader(text: string, bufferLength: number, file: string): E.Either<SafetensorsError, Header> {
  // Arrays in a header are shapes and offset pairs; objects are the header (tensors and __metadata__),
  // entries, and the metadata map (whose keys the same member limit bounds).
  const json = parseJson(text, { maxMembers: MAX_TENSORS + 1, maxItems: MAX_RANK });
  if (!json.ok) {
    const f = json.failure;
    return E.left(
      f.kind === 'syntax'
        ? { kind: 'bad-json', file, message: f.message, position: f.position }
        : f.kind === 'limit'
          ? {
              kind: 'header-limit',
              file,
              message: `${f.path} is ${f.message} (at most ${MAX_TENSORS} tensors of rank ≤ ${MAX_RANK})`,
            }
          : { kind: 'duplicate-key', file, key: f.key, path: f.path },
    );
  }
  return validateHeader(json.value, bufferLength, file);
}

/**
 * Parses and validates a complete safetensors file. Every rule of the format is checked (see
 * `validateHeader`); the result's `bytes` are views into `bytes`, not copies, so they alias the input.
 * Never throws on malformed input and allocates nothing whose size comes from the file.
 *
 * @param bytes the whole file.
 * @param file a name for error messages.
 * @example
 * const parsed = parseSafetensors(await readFile('model.safetensors'), 'model.safetensors');
 * if (E.isRight(parsed)) console.log([...parsed.right.tensors.keys()]);
 */
export function parseSafetensors(bytes: Uint8Array, file = '<memory>'): E.Either<SafetensorsError, ParsedSafetensors> {
  return pipe(
    readHeaderLength(bytes, bytes.length, file),
    E.flatMap((n) => {
      const start = 8 + n;
      return pipe(
        decodeHeader(bytes.subarray(8, start), file),
        E.flatMap((text) => parseHeader(text, bytes.length - start, file)),
        E.map(({ tensors, metadata }) => ({
          tensors: new Map(
            tensors.map(({ name, dtype, shape, begin, end }): [string, SafetensorsEntry] => [
              name,
              { name, dtype, shape, bytes: bytes.subarray(start + begin, start + end) },
            ]),
          ),
          metadata,
        })),
      );
    }),
  );
}

/** Like {@link parseSafetensors} but throws a `SafetensorsException` on malformed input. */
export function parseSafetensorsOrThrow(bytes: Uint8Array, file = '<memory>'): ParsedSafetensors {
  const result = parseSafetensors(bytes, file);
  if (E.isLeft(result)) throw new SafetensorsException(result.left);
  return result.right;
}
