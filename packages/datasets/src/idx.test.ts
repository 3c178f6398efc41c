/** @file IDX parser: worked examples, round-trip properties, and robustness against corrupted input. */
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { DatasetError } from './errors.js';
import { type IdxArray, type IdxType, idxElementSize, parseIdx, serializeIdx } from './idx.js';

const left = (r: E.Either<DatasetError, IdxArray>): DatasetError => {
  if (E.isRight(r)) throw new Error(`expected Left, got Right ${JSON.stringify(r.right.shape)}`);
  return r.left;
};
const right = (r: E.Either<DatasetError, IdxArray>): IdxArray => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left.message}`);
  return r.right;
};

const arbShape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });
const count = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Any IDX array with a small shape (ranks 0..4, dims 0..4) and arbitrary values of its type. */
const arbIdx: fc.Arbitrary<IdxArray> = fc
  .tuple(fc.constantFrom<IdxType>('ubyte', 'byte', 'short', 'int', 'float', 'double'), arbShape)
  .chain(([type, shape]): fc.Arbitrary<IdxArray> => {
    const n = count(shape);
    const ints = (min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n });
    switch (type) {
      case 'ubyte':
        return ints(0, 255).map((v) => ({ type, shape, data: Uint8Array.from(v) }));
      case 'byte':
        return ints(-128, 127).map((v) => ({ type, shape, data: Int8Array.from(v) }));
      case 'short':
        return ints(-32768, 32767).map((v) => ({ type, shape, data: Int16Array.from(v) }));
      case 'int':
        return ints(-(2 ** 31), 2 ** 31 - 1).map((v) => ({ type, shape, data: Int32Array.from(v) }));
      case 'float':
        return fc.float32Array({ minLength: n, maxLength: n }).map((data) => ({ type, shape, data }));
      case 'double':
        return fc.float64Array({ minLength: n, maxLength: n }).map((data) => ({ type, shape, data }));
    }
  });

/** Times one parse; the bound is loose so that a loaded CI machine does not flake, far below any huge allocation. */
const timedParse = (bytes: Uint8Array) => {
  const t0 = performance.now();
  const result = parseIdx(bytes, 'fuzz.idx');
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(50);
  return result;
};

/** A successful parse must be self-consistent: it serializes back to exactly the input. */
const expectConsistent = (bytes: Uint8Array, result: E.Either<DatasetError, IdxArray>): void => {
  if (E.isRight(result)) {
    expect(result.right.data.length).toBe(count(result.right.shape));
    expect(serializeIdx(result.right)).toEqual(bytes);
  } else {
    expect(result.left.message.startsWith('fuzz.idx: ')).toBe(true);
  }
};

describe('parseIdx worked examples', () => {
  it('reads an MNIST-style ubyte header and returns a zero-copy view', () => {
    const bytes = new Uint8Array([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40]);
    const arr = right(parseIdx(bytes, 'x'));
    expect(arr.type).toBe('ubyte');
    expect(arr.shape).toEqual([2, 1, 2]);
    expect(Array.from(arr.data)).toEqual([10, 20, 30, 40]);
    expect(arr.data.buffer).toBe(bytes.buffer);
  });

  it('decodes big-endian wide types (independently of the serializer)', () => {
    const short = right(parseIdx(new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe])));
    expect(short.type).toBe('short');
    expect(Array.from(short.data)).toEqual([258, -2]);
    const int = right(parseIdx(new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 1, 0x80, 0, 0, 1])));
    expect(Array.from(int.data)).toEqual([-(2 ** 31) + 1]);
    const float = right(parseIdx(new Uint8Array([0, 0, 0x0d, 0, 0x3f, 0xc0, 0, 0])));
    expect(float.shape).toEqual([]);
    expect(Array.from(float.data)).toEqual([1.5]);
    const double = right(parseIdx(new Uint8Array([0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 0])));
    expect(Array.from(double.data)).toEqual([-2]);
    const byte = right(parseIdx(new Uint8Array([0, 0, 0x09, 1, 0, 0, 0, 2, 0x7f, 0x80])));
    expect(Array.from(byte.data)).toEqual([127, -128]);
  });

  it('names the file and the exact problem in every error', () => {
    const gz = left(parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'a.idx'));
    expect(gz.kind).toBe('bad-magic');
    expect(gz.message).toContain('a.idx: magic number 0x1f8b0800');
    expect(gz.message).toContain('gzip');
    const badType = left(parseIdx(new Uint8Array([0, 0, 0x0a, 0]), 'b.idx'));
    expect(badType).toMatchObject({ kind: 'bad-type', file: 'b.idx' });
    expect(badType.message).toContain('0x0a');
    const short = left(parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]), 'c.idx'));
    expect(short.kind).toBe('truncated');
    expect(short.message).toBe(
      'c.idx: header (ubyte, dimensions [3]) promises 8 + 3 = 11 bytes, but the file has 10 (1 missing)',
    );
    const extra = left(parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]), 'd.idx'));
    expect(extra.kind).toBe('trailing-bytes');
    expect(extra.message).toContain('(1 extra)');
    expect(left(parseIdx(new Uint8Array([0, 0, 8]))).kind).toBe('truncated');
    expect(left(parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1]))).message).toContain('rank-2 header needs 12 bytes');
  });

  it('rejects sizes beyond the bound before allocating, even when the product passes 2^53', () => {
    const dims = [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff];
    const bytes = new Uint8Array(4 + 16).fill(0xff);
    bytes.set([0, 0, 0x0e, 4]);
    const err = left(parseIdx(bytes, 'huge.idx'));
    expect(err.kind).toBe('too-large');
    const exact = dims.reduce((p, d) => p * BigInt(d), 8n);
    expect(err.message).toContain(`state ${exact} payload bytes, above the accepted maximum 2147483647`);
    // a zero dimension makes the product 0 however large the other dimensions are
    const empty = right(parseIdx(new Uint8Array([0, 0, 8, 3, 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255])));
    expect(empty.shape).toEqual([0xffffffff, 0, 0xffffffff]);
    expect(empty.data.length).toBe(0);
  });

  it('honours maxBytes and maxRank', () => {
    const bytes = serializeIdx({ type: 'short', shape: [3], data: new Int16Array([1, 2, 3]) });
    expect(E.isRight(parseIdx(bytes, 'f', { maxBytes: 6 }))).toBe(true);
    expect(left(parseIdx(bytes, 'f', { maxBytes: 5 })).kind).toBe('too-large');
    expect(left(parseIdx(bytes, 'f', { maxRank: 0 })).kind).toBe('bad-dims');
  });

  it('serializeIdx rejects inconsistent arrays', () => {
    expect(() => serializeIdx({ type: 'ubyte', shape: [2, 2], data: new Uint8Array(3) })).toThrow(RangeError);
    expect(() => serializeIdx({ type: 'ubyte', shape: [-1], data: new Uint8Array(0) })).toThrow(RangeError);
  });
});

describe('parseIdx properties', () => {
  test.prop([arbIdx])('parse(serialize(x)) = x for every type and ranks 0..4', (x) => {
    const bytes = serializeIdx(x);
    expect(bytes.length).toBe(4 + 4 * x.shape.length + x.data.length * idxElementSize(x.type));
    const back = right(parseIdx(bytes));
    expect(back.type).toBe(x.type);
    expect(back.shape).toEqual(x.shape);
    expect(back.data).toEqual(x.data);
    expect(serializeIdx(back)).toEqual(bytes);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('random bytes: Left or a consistent Right, quickly', (bytes) => {
    expectConsistent(bytes, timedParse(bytes));
  });

  test.prop([
    fc.tuple(fc.constantFrom(8, 9, 11, 12, 13, 14), fc.integer({ min: 0, max: 6 })),
    fc.uint8Array({ maxLength: 40 }),
  ])('random bytes behind a plausible magic: Left or a consistent Right, quickly', ([code, rank], rest) => {
    const bytes = new Uint8Array([0, 0, code, rank, ...rest]);
    expectConsistent(bytes, timedParse(bytes));
  });

  test.prop([arbIdx, fc.nat()])('every strict prefix of a valid file is truncated', (x, cut) => {
    const bytes = serializeIdx(x);
    const prefix = bytes.subarray(0, cut % bytes.length);
    expect(left(timedParse(prefix)).kind).toBe('truncated');
  });

  test.prop([arbIdx, fc.uint8Array({ minLength: 1, maxLength: 16 })])('trailing garbage is rejected', (x, junk) => {
    const bytes = serializeIdx(x);
    const longer = new Uint8Array([...bytes, ...junk]);
    expect(left(timedParse(longer)).kind).toBe('trailing-bytes');
  });

  test.prop([arbIdx, fc.nat(), fc.integer({ min: 0, max: 255 })])(
    'random header edits never throw, hang or over-allocate',
    (x, at, value) => {
      const bytes = serializeIdx(x);
      const header = 4 + 4 * x.shape.length;
      bytes[at % header] = value;
      expectConsistent(bytes, timedParse(bytes));
    },
  );
});
