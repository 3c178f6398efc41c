/**
 * @file Conversions between safetensors entries and the typed arrays tapenet computes with: F32, F64
 * and I32 to and from `Float32Array`, `Float64Array` and `Int32Array`. The file format is little-endian;
 * these conversions reinterpret bytes in host order, so they check once that the host is little-endian.
 */
import type { SafetensorsEntry } from './parse.js';

/** The dtypes with a typed-array counterpart. */
export type TypedDType = 'F32' | 'F64' | 'I32';

/** The typed array for each {@link TypedDType}. */
export type TypedArrayOf = { readonly F32: Float32Array; readonly F64: Float64Array; readonly I32: Int32Array };

/** Whether this host stores multi-byte numbers little-endian; computed once, at load. */
export const HOST_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const assertLittleEndian = (): void => {
  if (!HOST_LITTLE_ENDIAN) throw new Error('safetensors: typed-array conversion needs a little-endian host');
};

const dtypeOfArray = (data: TypedArrayOf[TypedDType]): TypedDType =>
  data instanceof Float32Array ? 'F32' : data instanceof Float64Array ? 'F64' : 'I32';

/**
 * Builds an entry from a typed array; the dtype follows the array's type. The entry's bytes are a view
 * of `data` (no copy). Throws if `prod(shape) !== data.length` or the shape is not non-negative integers.
 *
 * @example fromTypedArray('conv1.weight', [6, 1, 5, 5], weights) // dtype 'F32' for a Float32Array
 */
export function fromTypedArray(
  name: string,
  shape: readonly number[],
  data: Float32Array | Float64Array | Int32Array,
): SafetensorsEntry {
  assertLittleEndian();
  if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
    throw new TypeError(`fromTypedArray: ${name}: data must be a Float32Array, Float64Array or Int32Array`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`fromTypedArray: ${name}: shape [${shape.join(', ')}] is not non-negative integers`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new RangeError(
      `fromTypedArray: ${name}: shape [${shape.join(', ')}] holds ${size} elements, data has ${data.length}`,
    );
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dtype: dtypeOfArray(data), shape: [...shape], bytes };
}

/**
 * Reads an entry's bytes as the typed array of `dtype`. Returns a view of the same memory (no copy)
 * when the bytes sit at an offset aligned for the element size, otherwise an aligned copy. Throws if
 * the entry's dtype is not `dtype`.
 *
 * @example const w = toTypedArray(parsed.tensors.get('fc.weight')!, 'F32'); // Float32Array
 */
export function toTypedArray<D extends TypedDType>(entry: SafetensorsEntry, dtype: D): TypedArrayOf[D] {
  assertLittleEndian();
  if (entry.dtype !== dtype) {
    throw new TypeError(`toTypedArray: ${entry.name} has dtype ${entry.dtype}, not ${dtype}`);
  }
  const itemSize = dtype === 'F32' || dtype === 'I32' ? 4 : 8;
  if (entry.bytes.length % itemSize !== 0) {
    throw new RangeError(`toTypedArray: ${entry.name}: ${entry.bytes.length} bytes is not a whole number of ${dtype}`);
  }
  const aligned = entry.bytes.byteOffset % itemSize === 0;
  const source = aligned ? entry.bytes : entry.bytes.slice();
  const { buffer, byteOffset } = source;
  const length = source.length / itemSize;
  const view =
    dtype === 'F32'
      ? new Float32Array(buffer, byteOffset, length)
      : dtype === 'F64'
        ? new Float64Array(buffer, byteOffset, length)
        : new Int32Array(buffer, byteOffset, length);
  return view as TypedArrayOf[D];
}
