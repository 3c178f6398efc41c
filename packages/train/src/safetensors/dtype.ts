/** @file The safetensors element types, their bit widths, and byte sizes of shapes. */

/**
 * Element type names as written in a safetensors header (`"dtype": "F32"`). The list follows the
 * reference implementation's `Dtype` enum, sub-byte floats (`F4`, `F6_*`) included.
 */
export type SafeDType =
  | 'BOOL'
  | 'F4'
  | 'F6_E2M3'
  | 'F6_E3M2'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'F8_E8M0'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'C64'
  | 'F64'
  | 'I64'
  | 'U64';

/** Bits per element of every dtype; the single table the rest of the module reads. */
export const DTYPE_BITS: { readonly [D in SafeDType]: number } = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

/** Every dtype, in the order of the table above. */
export const SAFE_DTYPES: readonly SafeDType[] = Object.keys(DTYPE_BITS) as SafeDType[];

/** Whether `s` names a known dtype (own key of the table; `'toString'` and friends are not). */
export const isSafeDType = (s: string): s is SafeDType => Object.hasOwn(DTYPE_BITS, s);

/** The outcome of sizing a tensor: its byte count, or why it has none. */
export type ByteSize =
  | { readonly ok: true; readonly elements: number; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'overflow' }
  | { readonly ok: false; readonly reason: 'misaligned'; readonly elements: number; readonly bits: number };

/**
 * Byte size of a row-major tensor: `prod(shape) * bits(dtype) / 8`. Fails with `overflow` when a
 * product leaves the safe-integer range and with `misaligned` when a sub-byte dtype does not fill whole
 * bytes. A zero dimension gives zero bytes whatever the other dimensions are.
 */
export function byteSize(dtype: SafeDType, shape: readonly number[]): ByteSize {
  if (shape.includes(0)) return { ok: true, elements: 0, bytes: 0 };
  let elements = 1;
  for (const d of shape) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) return { ok: false, reason: 'overflow' };
  }
  const itemBits = DTYPE_BITS[dtype];
  if (itemBits % 8 === 0) {
    // Whole-byte dtypes multiply in bytes: refused only when the byte count itself overflows.
    const bytes = elements * (itemBits / 8);
    return Number.isSafeInteger(bytes) ? { ok: true, elements, bytes } : { ok: false, reason: 'overflow' };
  }
  const bits = elements * itemBits;
  if (!Number.isSafeInteger(bits)) return { ok: false, reason: 'overflow' };
  if (bits % 8 !== 0) return { ok: false, reason: 'misaligned', elements, bits };
  return { ok: true, elements, bytes: bits / 8 };
}
