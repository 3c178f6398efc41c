/**
 * @file Converting safetensors entries written by other tools into tapenet's dtypes, and int32 out to
 * PyTorch's int64. Floats (F16, BF16, F32, F64) become float32 or float64 (rounded to nearest, as
 * `tensor.to(dtype)`); integers (I32, I64) become int32 only when every value fits, so an int64 buffer
 * such as `num_batches_tracked` loads exactly or is refused, never wrapped.
 */
import type { DType } from '@tapenet/autodiff';
import type { SafeDType } from './dtype.js';
import type { SafetensorsEntry } from './parse.js';
import { HOST_LITTLE_ENDIAN } from './typed.js';

/** The file dtypes each tapenet dtype can be loaded from. */
export const LOADABLE_FROM: { readonly [D in DType]: readonly SafeDType[] } = {
  float32: ['F32', 'F64', 'F16', 'BF16'],
  float64: ['F64', 'F32', 'F16', 'BF16'],
  int32: ['I32', 'I64'],
};

/** Whether a tensor stored as `from` can be loaded into a tapenet tensor of `to`. */
export const canLoad = (from: SafeDType, to: DType): boolean => LOADABLE_FROM[to].includes(from);

/** What a conversion gives: the values, or the first integer that does not fit int32. */
export type Converted =
  | { readonly ok: true; readonly data: Float32Array | Float64Array | Int32Array }
  | { readonly ok: false; readonly index: number; readonly value: bigint };

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

const assertLittleEndian = (): void => {
  if (!HOST_LITTLE_ENDIAN) throw new Error('safetensors: dtype conversion needs a little-endian host');
};

/** The entry's bytes at an offset aligned for `itemSize` (a copy only when they are not). */
const aligned = (bytes: Uint8Array, itemSize: number): Uint8Array =>
  bytes.byteOffset % itemSize === 0 ? bytes : bytes.slice();

/**
 * IEEE 754 binary16 to a number: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits; exponent 0 is
 * zero or subnormal (2⁻¹⁴·f/1024), exponent 31 is infinity or NaN. Every binary16 value is exact in float32.
 */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The values of a float entry as a Float64Array (exact for every source float dtype). */
function floatsOf(entry: SafetensorsEntry): Float64Array {
  const { dtype, bytes } = entry;
  switch (dtype) {
    case 'F64': {
      const b = aligned(bytes, 8);
      return new Float64Array(b.buffer, b.byteOffset, b.length / 8);
    }
    case 'F32': {
      const b = aligned(bytes, 4);
      return Float64Array.from(new Float32Array(b.buffer, b.byteOffset, b.length / 4));
    }
    case 'F16': {
      const b = aligned(bytes, 2);
      const halves = new Uint16Array(b.buffer, b.byteOffset, b.length / 2);
      return Float64Array.from(halves, halfToNumber);
    }
    case 'BF16': {
      // bfloat16 is the upper half of a float32: shift the 16 bits up and reinterpret.
      const b = aligned(bytes, 2);
      const halves = new Uint16Array(b.buffer, b.byteOffset, b.length / 2);
      const words = Uint32Array.from(halves, (x) => x << 16);
      return Float64Array.from(new Float32Array(words.buffer));
    }
    default:
      throw new TypeError(`safetensors: ${entry.name}: ${dtype} is not a float dtype`);
  }
}

/** The values of an integer entry as int32, or the first value out of range. */
function intsOf(entry: SafetensorsEntry): Converted {
  const { dtype, bytes } = entry;
  if (dtype === 'I32') {
    const b = aligned(bytes, 4);
    return { ok: true, data: new Int32Array(b.buffer, b.byteOffset, b.length / 4).slice() };
  }
  if (dtype !== 'I64') throw new TypeError(`safetensors: ${entry.name}: ${dtype} is not I32 or I64`);
  const b = aligned(bytes, 8);
  const wide = new BigInt64Array(b.buffer, b.byteOffset, b.length / 8);
  const out = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) {
    const v = wide[i]!;
    if (v < INT32_MIN || v > INT32_MAX) return { ok: false, index: i, value: v };
    out[i] = Number(v);
  }
  return { ok: true, data: out };
}

/**
 * A fresh typed array of `to` with the entry's values (never a view of the file). Throws a TypeError when
 * `canLoad(entry.dtype, to)` is false; an int64 value outside int32 comes back as `{ ok: false }`.
 * @example convertEntry(parsed.tensors.get('bn1.num_batches_tracked')!, 'int32') // I64 → Int32Array
 */
export function convertEntry(entry: SafetensorsEntry, to: DType): Converted {
  assertLittleEndian();
  if (!canLoad(entry.dtype, to)) throw new TypeError(`safetensors: ${entry.name}: cannot load ${entry.dtype} as ${to}`);
  if (to === 'int32') return intsOf(entry);
  const values = floatsOf(entry);
  // Float64Array → Float32Array rounds to nearest-even, as PyTorch's double-to-float conversion.
  return { ok: true, data: to === 'float64' ? Float64Array.from(values) : Float32Array.from(values) };
}

/** An I64 entry (PyTorch's `long`) holding int32 values: how tapenet writes integer buffers. */
export function int64Entry(name: string, shape: readonly number[], data: Int32Array): SafetensorsEntry {
  assertLittleEndian();
  const wide = BigInt64Array.from(data, (v) => BigInt(v));
  return { name, dtype: 'I64', shape: [...shape], bytes: new Uint8Array(wide.buffer) };
}
