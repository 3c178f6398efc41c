/**
 * @file LeCun's IDX format (MNIST and its relatives): a bounded, non-throwing parser and a serializer.
 *
 * Layout: a 4-byte magic `00 00 TT RR` (TT = element type, RR = rank), then RR big-endian uint32 dimensions,
 * then the elements, big-endian, row-major. Element types: 0x08 ubyte, 0x09 byte, 0x0B short (int16),
 * 0x0C int (int32), 0x0D float (float32), 0x0E double (float64).
 */
import * as E from 'fp-ts/lib/Either.js';
import { type DatasetError, datasetError } from './errors.js';

/** The six IDX element types. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

/** The typed array that holds each IDX element type. */
export type IdxDataMap = {
  ubyte: Uint8Array;
  byte: Int8Array;
  short: Int16Array;
  int: Int32Array;
  float: Float32Array;
  double: Float64Array;
};

/** An IDX array of one element type: `data.length === product(shape)`, row-major. */
export type IdxArrayOf<T extends IdxType> = {
  readonly type: T;
  readonly shape: readonly number[];
  readonly data: IdxDataMap[T];
};

/** A parsed IDX array, discriminated by `type`. */
export type IdxArray = { [T in IdxType]: IdxArrayOf<T> }[IdxType];

/** Bounds on what {@link parseIdx} accepts. */
export type ParseIdxOptions = {
  /** Largest accepted payload in bytes (default {@link IDX_MAX_PAYLOAD_BYTES}). */
  readonly maxBytes?: number;
  /** Largest accepted rank (default 255, everything the format can express). */
  readonly maxRank?: number;
};

/** Default payload bound of {@link parseIdx}: 2^31 - 1 bytes (2 GiB), far above MNIST's 47 MB. */
export const IDX_MAX_PAYLOAD_BYTES = 2 ** 31 - 1;

const INFO: { readonly [T in IdxType]: { readonly code: number; readonly size: number } } = {
  ubyte: { code: 0x08, size: 1 },
  byte: { code: 0x09, size: 1 },
  short: { code: 0x0b, size: 2 },
  int: { code: 0x0c, size: 4 },
  float: { code: 0x0d, size: 4 },
  double: { code: 0x0e, size: 8 },
};
const TYPES: readonly IdxType[] = ['ubyte', 'byte', 'short', 'int', 'float', 'double'];

const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;
const dimsText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;
const typeList = TYPES.map((t) => `${hex(INFO[t].code, 2)} ${t}`).join(', ');

/** The IDX element size in bytes of `type`. */
export const idxElementSize = (type: IdxType): number => INFO[type].size;

/**
 * Parses an IDX file held in memory. Never throws; sizes are checked before anything is allocated.
 *
 * `ubyte` and `byte` data are zero-copy views over `bytes`; the wider types are decoded from big-endian into
 * fresh typed arrays. The byte length must equal `4 + 4·rank + product(shape)·elementSize` exactly.
 * @param bytes the whole file.
 * @param file the name used in error messages.
 * @example parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])) // Right({ type: 'ubyte', shape: [2], data: [7, 9] })
 */
export const parseIdx = (
  bytes: Uint8Array,
  file = '<memory>',
  options: ParseIdxOptions = {},
): E.Either<DatasetError, IdxArray> => {
  const maxBytes = options.maxBytes ?? IDX_MAX_PAYLOAD_BYTES;
  const maxRank = options.maxRank ?? 255;
  if (bytes.length < 4) {
    return E.left(datasetError('truncated', file, `has ${bytes.length} bytes, fewer than the 4-byte IDX magic number`));
  }
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  if (b0 !== 0 || b1 !== 0) {
    const magic = hex(((b0 << 24) | (b1 << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0, 8);
    const hint = b0 === 0x1f && b1 === 0x8b ? ' (these are gzip bytes: decompress the file or name it *.gz)' : '';
    return E.left(datasetError('bad-magic', file, `magic number ${magic} does not start with two zero bytes${hint}`));
  }
  const code = bytes[2] ?? 0;
  const type = TYPES.find((t) => INFO[t].code === code);
  if (type === undefined) {
    return E.left(datasetError('bad-type', file, `element type byte ${hex(code, 2)} is not one of ${typeList}`));
  }
  const rank = bytes[3] ?? 0;
  if (rank > maxRank) {
    return E.left(datasetError('bad-dims', file, `rank ${rank} exceeds the accepted maximum ${maxRank}`));
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    return E.left(
      datasetError('truncated', file, `a rank-${rank} header needs ${header} bytes, but the file has ${bytes.length}`),
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const { size } = INFO[type];
  const count = boundedProduct(shape, Math.floor(maxBytes / size));
  if (count === undefined) {
    const stated = shape.reduce((p, d) => p * BigInt(d), BigInt(size));
    return E.left(
      datasetError(
        'too-large',
        file,
        `dimensions ${dimsText(shape)} of ${type} state ${stated} payload bytes, above the accepted maximum ${maxBytes}`,
      ),
    );
  }
  const expected = header + count * size;
  if (bytes.length !== expected) {
    const problem = `header (${type}, dimensions ${dimsText(shape)}) promises ${header} + ${count * size} = ${expected} bytes, but the file has ${bytes.length}`;
    return bytes.length < expected
      ? E.left(datasetError('truncated', file, `${problem} (${expected - bytes.length} missing)`))
      : E.left(datasetError('trailing-bytes', file, `${problem} (${bytes.length - expected} extra)`));
  }
  return E.right(decode(type, shape, bytes, view, header, count));
};

/** product(dims), or undefined as soon as it would exceed `limit` (so it never leaves exact integer range). */
const boundedProduct = (dims: readonly number[], limit: number): number | undefined => {
  if (dims.includes(0)) return 0;
  let product = 1;
  for (const d of dims) {
    if (product > limit / d) return undefined;
    product *= d;
  }
  return product <= limit ? product : undefined;
};

const decode = (
  type: IdxType,
  shape: readonly number[],
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  count: number,
): IdxArray => {
  switch (type) {
    case 'ubyte':
      return { type, shape, data: bytes.subarray(offset, offset + count) };
    case 'byte':
      return { type, shape, data: new Int8Array(bytes.buffer, bytes.byteOffset + offset, count) };
    case 'short': {
      const data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(offset + 2 * i, false);
      return { type, shape, data };
    }
    case 'int': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(offset + 4 * i, false);
      return { type, shape, data };
    }
    case 'float': {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, false);
      return { type, shape, data };
    }
    case 'double': {
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(offset + 8 * i, false);
      return { type, shape, data };
    }
  }
};

/**
 * Writes an IDX file: the inverse of {@link parseIdx}.
 * @throws RangeError when the rank exceeds 255, a dimension is not a uint32, or `data.length !== product(shape)`.
 */
export const serializeIdx = (arr: IdxArray): Uint8Array => {
  const { shape, data, type } = arr;
  if (shape.length > 255) throw new RangeError(`serializeIdx: rank ${shape.length} exceeds the IDX maximum 255`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new RangeError(`serializeIdx: dimension ${d} in ${dimsText(shape)} is not a uint32`);
    }
  }
  const count = shape.reduce((p, d) => p * d, 1);
  if (data.length !== count) {
    throw new RangeError(`serializeIdx: shape ${dimsText(shape)} has ${count} elements but data has ${data.length}`);
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * INFO[type].size);
  const view = new DataView(out.buffer);
  out[2] = INFO[type].code;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  encode(arr, out, view, header);
  return out;
};

const encode = (arr: IdxArray, out: Uint8Array, view: DataView, offset: number): void => {
  switch (arr.type) {
    case 'ubyte':
      out.set(arr.data, offset);
      return;
    case 'byte':
      out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.length), offset);
      return;
    case 'short':
      for (let i = 0; i < arr.data.length; i++) view.setInt16(offset + 2 * i, arr.data[i]!, false);
      return;
    case 'int':
      for (let i = 0; i < arr.data.length; i++) view.setInt32(offset + 4 * i, arr.data[i]!, false);
      return;
    case 'float':
      for (let i = 0; i < arr.data.length; i++) view.setFloat32(offset + 4 * i, arr.data[i]!, false);
      return;
    case 'double':
      for (let i = 0; i < arr.data.length; i++) view.setFloat64(offset + 8 * i, arr.data[i]!, false);
      return;
  }
};
