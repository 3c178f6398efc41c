/** @file CIFAR binary batches: worked examples, round trips and corruption properties. */
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  CIFAR_IMAGE_BYTES,
  CIFAR10_RECORD_BYTES,
  CIFAR100_RECORD_BYTES,
  type CifarBatch,
  parseCifar10,
  parseCifar100,
  serializeCifar10,
  serializeCifar100,
} from './cifar.js';
import type { DatasetError } from './errors.js';

const right = (r: E.Either<DatasetError, CifarBatch>): CifarBatch => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left.message}`);
  return r.right;
};
const left = (r: E.Either<DatasetError, CifarBatch>): DatasetError => {
  if (E.isRight(r)) throw new Error(`expected Left, got ${r.right.count} records`);
  return r.left;
};

const arbBatch = (maxLabel: number) =>
  fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc.record({
      images: fc.uint8Array({ minLength: n * CIFAR_IMAGE_BYTES, maxLength: n * CIFAR_IMAGE_BYTES }),
      labels: fc.uint8Array({ min: 0, max: maxLabel, minLength: n, maxLength: n }),
      coarseLabels: fc.uint8Array({ min: 0, max: 19, minLength: n, maxLength: n }),
    }),
  );

/** Byte equality that stays fast on 9 KB images; falls back to toEqual for a readable diff on failure. */
const expectSameBytes = (a: Uint8Array | undefined, b: Uint8Array): void => {
  if (a === undefined || Buffer.compare(a, b) !== 0) expect(a).toEqual(b);
};

const timed = <A>(f: () => A): A => {
  const t0 = performance.now();
  const a = f();
  expect(performance.now() - t0).toBeLessThan(50);
  return a;
};

describe('CIFAR worked examples', () => {
  it('splits a CIFAR-10 record into its label and its R, G, B planes (already CHW)', () => {
    const record = new Uint8Array(CIFAR10_RECORD_BYTES);
    record[0] = 3;
    record[1] = 11; // red (0, 0)
    record[1 + 32 + 1] = 22; // red (1, 1)
    record[1 + 1024] = 33; // green (0, 0)
    record[1 + 2048 + 1023] = 44; // blue (31, 31)
    const batch = right(parseCifar10(new Uint8Array([...record, ...record]), 'two.bin'));
    expect(batch.count).toBe(2);
    expect(Array.from(batch.labels)).toEqual([3, 3]);
    expect(batch.coarseLabels).toBeUndefined();
    expect(batch.images.length).toBe(2 * 3 * 32 * 32);
    const at = (n: number, c: number, y: number, x: number) => batch.images[n * 3072 + c * 1024 + y * 32 + x];
    expect([at(1, 0, 0, 0), at(1, 0, 1, 1), at(1, 1, 0, 0), at(1, 2, 31, 31), at(1, 2, 31, 30)]).toEqual([
      11, 22, 33, 44, 0,
    ]);
  });

  it('reads CIFAR-100 coarse then fine labels', () => {
    const record = new Uint8Array(CIFAR100_RECORD_BYTES);
    record.set([19, 99, 5]);
    const batch = right(parseCifar100(record, 'train.bin'));
    expect(Array.from(batch.coarseLabels ?? [])).toEqual([19]);
    expect(Array.from(batch.labels)).toEqual([99]);
    expect(batch.images[0]).toBe(5);
  });

  it('names the file, the record and the value in errors', () => {
    const bytes = serializeCifar10({ images: new Uint8Array(3 * 3072), labels: new Uint8Array([1, 2, 10]) });
    expect(left(parseCifar10(bytes, 'data_batch_1.bin'))).toEqual({
      kind: 'label-out-of-range',
      file: 'data_batch_1.bin',
      message: 'data_batch_1.bin: record 2 (byte offset 6146) has class label 10, expected 0-9',
    });
    const short = left(parseCifar10(bytes.subarray(0, 3073 + 5), 'b.bin'));
    expect(short.kind).toBe('truncated');
    expect(short.message).toBe(
      'b.bin: has 3078 bytes = 1 records + 5 bytes; a batch must be a non-zero multiple of 3073-byte records',
    );
    expect(left(parseCifar10(new Uint8Array(0), 'e.bin')).message).toContain('e.bin: is empty');
    const coarse = new Uint8Array(CIFAR100_RECORD_BYTES);
    coarse[0] = 20;
    expect(left(parseCifar100(coarse, 'c')).message).toContain(
      'record 0 (byte offset 0) has coarse label 20, expected 0-19',
    );
    coarse.set([0, 100]);
    expect(left(parseCifar100(coarse, 'c')).message).toContain('has fine label 100, expected 0-99');
  });

  it('serializers reject inconsistent batches', () => {
    expect(() => serializeCifar10({ images: new Uint8Array(3071), labels: new Uint8Array(1) })).toThrow(RangeError);
    expect(() => serializeCifar10({ images: new Uint8Array(3072), labels: new Uint8Array(2) })).toThrow(RangeError);
  });
});

describe('CIFAR properties', () => {
  test.prop([arbBatch(9)], { numRuns: 50 })('CIFAR-10 round trip', (b) => {
    const bytes = serializeCifar10(b);
    expect(bytes.length).toBe(b.labels.length * CIFAR10_RECORD_BYTES);
    const back = right(parseCifar10(bytes));
    expect(back.count).toBe(b.labels.length);
    expectSameBytes(back.labels, b.labels);
    expectSameBytes(back.images, b.images);
    expectSameBytes(serializeCifar10(back), bytes);
  });

  test.prop([arbBatch(99)], { numRuns: 50 })('CIFAR-100 round trip', (b) => {
    const back = right(parseCifar100(serializeCifar100(b)));
    expectSameBytes(back.labels, b.labels);
    expectSameBytes(back.coarseLabels, b.coarseLabels);
    expectSameBytes(back.images, b.images);
  });

  test.prop([arbBatch(9), fc.nat()], { numRuns: 50 })('a cut that is not a whole record is truncated', (b, cut) => {
    const bytes = serializeCifar10(b);
    const at = cut % bytes.length;
    fc.pre(at % CIFAR10_RECORD_BYTES !== 0 || at === 0);
    expect(timed(() => left(parseCifar10(bytes.subarray(0, at)))).kind).toBe('truncated');
  });

  test.prop([arbBatch(9), fc.nat(), fc.integer({ min: 0, max: 255 })], { numRuns: 100 })(
    'an edited label byte is accepted exactly when it is a valid class',
    (b, record, value) => {
      const bytes = serializeCifar10(b);
      const r = record % b.labels.length;
      bytes[r * CIFAR10_RECORD_BYTES] = value;
      const result = timed(() => parseCifar10(bytes, 'x.bin'));
      if (value < 10) expect(right(result).labels[r]).toBe(value);
      else expect(left(result).message).toContain(`x.bin: record ${r} `);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 3 * CIFAR100_RECORD_BYTES })], { numRuns: 50 })(
    'random bytes never throw',
    (bytes) => {
      for (const parse of [parseCifar10, parseCifar100]) {
        const result = timed(() => parse(bytes));
        if (E.isRight(result)) expect(result.right.images.length).toBe(result.right.count * CIFAR_IMAGE_BYTES);
      }
    },
  );
});
