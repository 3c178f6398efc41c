/** @file Typed-array conversions: little-endian bytes, views when aligned, copies when not. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseSafetensorsOrThrow } from './parse.js';
import { serializeSafetensors } from './serialize.js';
import { fromTypedArray, HOST_LITTLE_ENDIAN, toTypedArray } from './typed.js';

const arbShape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

describe('typed arrays', () => {
  it('runs on a little-endian host', () => {
    expect(HOST_LITTLE_ENDIAN).toBe(true);
  });

  it('writes little-endian bytes', () => {
    expect([...fromTypedArray('a', [], new Float32Array([1])).bytes]).toEqual([0, 0, 0x80, 0x3f]);
    expect([...fromTypedArray('a', [1], new Int32Array([-2])).bytes]).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect([...fromTypedArray('a', [1], new Float64Array([2])).bytes]).toEqual([0, 0, 0, 0, 0, 0, 0, 0x40]);
  });

  test.prop([
    arbShape.chain((shape) =>
      fc.tuple(fc.constant(shape), fc.float64Array({ minLength: count(shape), maxLength: count(shape) })),
    ),
    arbShape.chain((shape) =>
      fc.tuple(fc.constant(shape), fc.float32Array({ minLength: count(shape), maxLength: count(shape) })),
    ),
    arbShape.chain((shape) =>
      fc.tuple(fc.constant(shape), fc.int32Array({ minLength: count(shape), maxLength: count(shape) })),
    ),
  ])('F64, F32 and I32 survive a file round trip bit for bit (NaN payloads and -0 included)', (f64, f32, i32) => {
    const bytes = serializeSafetensors([
      fromTypedArray('f64', f64[0], f64[1]),
      fromTypedArray('f32', f32[0], f32[1]),
      fromTypedArray('i32', i32[0], i32[1]),
    ]);
    const { tensors } = parseSafetensorsOrThrow(bytes);
    const back64 = toTypedArray(tensors.get('f64')!, 'F64');
    const back32 = toTypedArray(tensors.get('f32')!, 'F32');
    const backI = toTypedArray(tensors.get('i32')!, 'I32');
    expect(back64).toBeInstanceOf(Float64Array);
    expect(Buffer.from(back64.buffer, back64.byteOffset, back64.byteLength)).toEqual(Buffer.from(f64[1].buffer));
    expect(Buffer.from(back32.buffer, back32.byteOffset, back32.byteLength)).toEqual(Buffer.from(f32[1].buffer));
    expect([...backI]).toEqual([...i32[1]]);
    expect(tensors.get('f32')!.shape).toEqual(f32[0]);
  });

  it('returns a view of the file when the data is aligned, and a copy when it is not', () => {
    // 'a' (1 byte) sorts before 'b', so 'b' starts at an odd offset in the buffer.
    const bytes = serializeSafetensors([
      { name: 'a', dtype: 'U8', shape: [1], bytes: Uint8Array.of(9) },
      fromTypedArray('b', [2], new Float32Array([1.5, -2])),
      fromTypedArray('c', [2], new Float32Array([3, 4])),
    ]);
    const { tensors } = parseSafetensorsOrThrow(bytes);
    const b = toTypedArray(tensors.get('b')!, 'F32');
    expect(tensors.get('b')!.bytes.byteOffset % 4).not.toBe(0);
    expect(b.buffer).not.toBe(bytes.buffer);
    expect([...b]).toEqual([1.5, -2]);
    // 'c' starts at 1 + 8 = 9 bytes into an 8-aligned buffer: also misaligned, also copied.
    expect([...toTypedArray(tensors.get('c')!, 'F32')]).toEqual([3, 4]);

    const aligned = serializeSafetensors([fromTypedArray('w', [2], new Float64Array([5, 6]))]);
    const w = toTypedArray(parseSafetensorsOrThrow(aligned).tensors.get('w')!, 'F64');
    expect(w.buffer).toBe(aligned.buffer);
    expect([...w]).toEqual([5, 6]);
  });

  it('makes entries that view the caller’s array without copying', () => {
    const data = new Float32Array(6);
    expect(fromTypedArray('x', [2, 3], data).bytes.buffer).toBe(data.buffer);
  });

  it('refuses a wrong dtype or a shape that does not match the data', () => {
    const e = fromTypedArray('x', [2], new Float32Array(2));
    expect(() => toTypedArray(e, 'F64')).toThrow(/x has dtype F32, not F64/);
    expect(() => fromTypedArray('x', [3], new Float32Array(2))).toThrow(/holds 3 elements, data has 2/);
    expect(() => fromTypedArray('x', [-1], new Float32Array(0))).toThrow(/not non-negative integers/);
  });
});
