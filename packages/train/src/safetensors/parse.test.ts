/** @file parseSafetensors: the spec's example bytes, accepted edge cases, and one rejection per rule. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { SafetensorsError, SafetensorsErrorKind } from './errors.js';
import { formatSafetensorsError, SafetensorsException } from './errors.js';
import { MAX_HEADER_LENGTH, type ParsedSafetensors, parseSafetensors, parseSafetensorsOrThrow } from './parse.js';
import { serializeSafetensors } from './serialize.js';

const ascii = (s: string): number[] => [...new TextEncoder().encode(s)];
const u64 = (n: bigint): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return [...b];
};
const f32le = (xs: number[]): number[] => [...new Uint8Array(new Float32Array(xs).buffer)];

/** A file from header text (or raw header bytes) and a byte buffer (or its length, zero-filled). */
const file = (header: string | number[], data: number[] | number = []): Uint8Array => {
  const h = typeof header === 'string' ? ascii(header) : header;
  const d = typeof data === 'number' ? new Array<number>(data).fill(0) : data;
  return Uint8Array.from([...u64(BigInt(h.length)), ...h, ...d]);
};
const entry = (dtype: string, shape: unknown[], begin: number, end: number): string =>
  JSON.stringify({ dtype, shape, data_offsets: [begin, end] });

const ok = (r: E.Either<SafetensorsError, ParsedSafetensors>): ParsedSafetensors => {
  if (E.isLeft(r)) throw new Error(`expected success, got ${formatSafetensorsError(r.left)}`);
  return r.right;
};
const rejects = (bytes: Uint8Array, kind: SafetensorsErrorKind): SafetensorsError => {
  const r = parseSafetensors(bytes, 'x.safetensors');
  if (E.isRight(r)) throw new Error(`expected ${kind}, got success`);
  expect(r.left.kind).toBe(kind);
  expect(r.left.file).toBe('x.safetensors');
  expect(formatSafetensorsError(r.left)).toMatch(/^x\.safetensors: /);
  return r.left;
};

describe('the reference examples', () => {
  const attn = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  const expected = [...u64(64n), ...ascii(attn), ...f32le([0, 1, 2, 3, 4, 5])];

  it('serializes one F32 [1, 2, 3] tensor to the spec bytes (64-byte header, no padding)', () => {
    const bytes = Uint8Array.from(f32le([0, 1, 2, 3, 4, 5]));
    const out = serializeSafetensors([{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], bytes }]);
    expect(attn.length).toBe(64);
    expect([...out.subarray(0, 8)]).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect([...out]).toEqual(expected);
  });

  it('parses the spec bytes back to the same tensor', () => {
    const parsed = ok(parseSafetensors(Uint8Array.from(expected)));
    const t = parsed.tensors.get('attn.0')!;
    expect([t.dtype, t.shape]).toEqual(['F32', [1, 2, 3]]);
    expect([...t.bytes]).toEqual(f32le([0, 1, 2, 3, 4, 5]));
    expect(parsed.metadata).toEqual({});
  });

  it('pads the header with spaces to a multiple of 8 (the "attn0" [1, 1, 2, 3] example: 72 bytes)', () => {
    const bytes = Uint8Array.from(f32le([0, 1, 2, 3, 4, 5]));
    const out = serializeSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], bytes }]);
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect([...out]).toEqual([...u64(72n), ...ascii(json), ...ascii(' '.repeat(72 - json.length)), ...bytes]);
  });

  it('writes an empty file and metadata-only file as the reference does', () => {
    expect([...serializeSafetensors([])]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const json = '{"__metadata__":{"framework":"pt"}}';
    expect([...serializeSafetensors([], { framework: 'pt' })]).toEqual([...u64(40n), ...ascii(`${json}     `)]);
    expect(ok(parseSafetensors(serializeSafetensors([], { framework: 'pt' }))).metadata).toEqual({ framework: 'pt' });
  });

  it('accepts an unpadded header (the 60-byte I32 [2, 2] example)', () => {
    const json = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    expect(json.length).toBe(60);
    const parsed = ok(parseSafetensors(file(json, 16)));
    expect(parsed.tensors.get('test')!.bytes.length).toBe(16);
  });
});

describe('accepted edge cases', () => {
  it('accepts rank-0 tensors, zero-size tensors at any boundary, and any order of keys', () => {
    const header = `{"z":${entry('F64', [0, 3], 8, 8)},"s":${entry('F64', [], 0, 8)},"e":${entry('I8', [0], 0, 0)}}`;
    const parsed = ok(parseSafetensors(file(header, 8)));
    expect([...parsed.tensors.keys()]).toEqual(['e', 's', 'z']);
    expect(parsed.tensors.get('z')!.shape).toEqual([0, 3]);
    expect(parsed.tensors.get('s')!.bytes.length).toBe(8);
  });

  it('treats "__proto__" as an ordinary metadata key and tensor name', () => {
    const header = `{"__metadata__":{"__proto__":"x"},"__proto__":${entry('U8', [1], 0, 1)}}`;
    const parsed = ok(parseSafetensors(file(header, [7])));
    expect(Object.hasOwn(parsed.metadata, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(parsed.metadata, '__proto__')?.value).toBe('x');
    expect(parsed.tensors.get('__proto__')!.bytes[0]).toBe(7);
  });

  it('returns views into the input, not copies', () => {
    const bytes = file(`{"a":${entry('U8', [2], 0, 2)}}`, [1, 2]);
    expect(ok(parseSafetensors(bytes)).tensors.get('a')!.bytes.buffer).toBe(bytes.buffer);
  });

  it('accepts sub-byte dtypes that fill whole bytes (F4 [2], F6_E2M3 [4])', () => {
    const header = `{"a":${entry('F4', [2], 0, 1)},"b":${entry('F6_E2M3', [4], 1, 4)}}`;
    expect(ok(parseSafetensors(file(header, 4))).tensors.size).toBe(2);
  });
});

describe('one rejection per rule', () => {
  it('too-small: fewer than 8 bytes', () => {
    expect(rejects(new Uint8Array(7), 'too-small')).toMatchObject({ fileSize: 7 });
  });

  it('header-too-large: N above 100,000,000 is refused before the file size is considered', () => {
    const e = rejects(Uint8Array.from([...u64(BigInt(MAX_HEADER_LENGTH + 1)), ...ascii('{}')]), 'header-too-large');
    expect(e).toMatchObject({ headerLength: MAX_HEADER_LENGTH + 1, limit: MAX_HEADER_LENGTH });
    rejects(Uint8Array.from(u64(2n ** 64n - 1n)), 'header-too-large');
  });

  it('header-length: N larger than what the file holds', () => {
    expect(rejects(Uint8Array.from([...u64(1000n), ...ascii('{}')]), 'header-length')).toMatchObject({
      headerLength: 1000,
      fileSize: 10,
    });
  });

  it("header-start: the header must start with '{' (no leading space, no BOM, not empty)", () => {
    expect(rejects(file(' {}'), 'header-start')).toMatchObject({ byte: 0x20 });
    expect(rejects(file([0xef, 0xbb, 0xbf, ...ascii('{}')]), 'header-start')).toMatchObject({ byte: 0xef });
    expect(rejects(file(''), 'header-start')).toMatchObject({ byte: -1 });
    rejects(file('[]'), 'header-start');
  });

  it('bad-utf8: the header must be valid UTF-8', () => {
    rejects(file([...ascii('{"'), 0xff, ...ascii('":1}')]), 'bad-utf8');
  });

  it('bad-json: the header must be one JSON value', () => {
    expect(rejects(file('{"a":'), 'bad-json')).toMatchObject({ position: 5 });
    rejects(file('{} {}'), 'bad-json');
    rejects(file('{}\u0000'), 'bad-json');
    rejects(file(`{"a":${'['.repeat(100_000)}`), 'bad-json');
  });

  it('duplicate-key: tensor names, entry keys and metadata keys are unique', () => {
    const a = entry('U8', [0], 0, 0);
    expect(rejects(file(`{"a":${a},"a":${a}}`), 'duplicate-key')).toMatchObject({ key: 'a', path: '$' });
    rejects(file('{"a":{"dtype":"U8","dtype":"U8","shape":[0],"data_offsets":[0,0]}}'), 'duplicate-key');
    expect(rejects(file('{"__metadata__":{"k":"1","k":"2"}}'), 'duplicate-key')).toMatchObject({
      path: '$["__metadata__"]',
    });
  });

  it('bad-metadata: __metadata__ maps strings to strings', () => {
    expect(rejects(file('{"__metadata__":{"k":1}}'), 'bad-metadata')).toMatchObject({ key: 'k' });
    expect(rejects(file('{"__metadata__":"k"}'), 'bad-metadata')).toMatchObject({ key: null });
  });

  it('bad-entry: exactly dtype, shape and data_offsets, well typed', () => {
    const cases = [
      '{"a":[]}',
      '{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"extra":1}}',
      '{"a":{"dtype":"U8","shape":[0]}}',
      '{"a":{"dtype":8,"shape":[0],"data_offsets":[0,0]}}',
      '{"a":{"dtype":"U8","shape":[0],"data_offsets":[0]}}',
      '{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0.0]}}',
      '{"a":{"dtype":"U8","shape":[0],"data_offsets":[-0,0]}}',
    ];
    for (const c of cases) expect(rejects(file(c), 'bad-entry')).toMatchObject({ tensor: 'a' });
  });

  it('unknown-dtype: only the spec names, exactly spelled', () => {
    for (const dtype of ['F128', 'f32', 'toString', '']) {
      expect(rejects(file(`{"a":${entry(dtype, [0], 0, 0)}}`), 'unknown-dtype')).toMatchObject({ tensor: 'a', dtype });
    }
  });

  it('bad-shape: non-negative safe integer literals only', () => {
    for (const dim of ['-1', '1.5', '1.0', '1e2', '"2"', '9007199254740993', 'null']) {
      const header = `{"a":{"dtype":"U8","shape":[${dim}],"data_offsets":[0,0]}}`;
      expect(rejects(file(header), 'bad-shape')).toMatchObject({ tensor: 'a' });
    }
    rejects(file('{"a":{"dtype":"U8","shape":{},"data_offsets":[0,0]}}'), 'bad-shape');
  });

  it('overflow: prod(shape) * itemsize beyond 2^53', () => {
    const e = rejects(file(`{"a":${entry('F32', [2 ** 30, 2 ** 30, 2 ** 30], 0, 0)}}`), 'overflow');
    expect(e).toMatchObject({ tensor: 'a', shape: [2 ** 30, 2 ** 30, 2 ** 30] });
  });

  it('misaligned: sub-byte dtypes must fill whole bytes', () => {
    expect(rejects(file(`{"a":${entry('F4', [3], 0, 2)}}`, 2), 'misaligned')).toMatchObject({ elements: 3, bits: 12 });
  });

  it('size-mismatch: end - begin must equal prod(shape) * itemsize', () => {
    const e = rejects(file(`{"a":${entry('F32', [2], 0, 4)}}`, 4), 'size-mismatch');
    expect(e).toMatchObject({ tensor: 'a', expectedBytes: 8, actualBytes: 4 });
  });

  it('bad-offsets: begin <= end <= buffer length', () => {
    expect(rejects(file(`{"a":${entry('U8', [0], 4, 0)}}`, 4), 'bad-offsets')).toMatchObject({ begin: 4, end: 0 });
    const e = rejects(file(`{"a":${entry('U8', [4], 0, 4)}}`, 3), 'bad-offsets');
    expect(e).toMatchObject({ tensor: 'a', end: 4, bufferLength: 3 });
  });

  it('overlap: no byte belongs to two tensors', () => {
    const header = `{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [2], 4, 12)}}`;
    expect(rejects(file(header, 12), 'overlap')).toMatchObject({ tensor: 'b', begin: 4, other: 'a', otherEnd: 8 });
    rejects(file(`{"a":${entry('U8', [2], 0, 2)},"b":${entry('U8', [0], 1, 1)}}`, 2), 'overlap');
  });

  it('hole: the tensors cover the whole buffer', () => {
    const gap = `{"a":${entry('U8', [2], 0, 2)},"b":${entry('U8', [2], 4, 6)}}`;
    expect(rejects(file(gap, 6), 'hole')).toMatchObject({ begin: 2, end: 4, after: 'a', before: 'b' });
    const tail = rejects(file(`{"a":${entry('U8', [2], 0, 2)}}`, 3), 'hole');
    expect(tail).toMatchObject({ begin: 2, end: 3, after: 'a', before: null });
    expect(rejects(file('{}', 1), 'hole')).toMatchObject({ after: null, before: null });
  });

  it('the throwing wrapper raises a SafetensorsException carrying the typed error', () => {
    expect(() => parseSafetensorsOrThrow(new Uint8Array(3), 'f')).toThrow(SafetensorsException);
    expect(() => parseSafetensorsOrThrow(new Uint8Array(3), 'f')).toThrow(/f: file is 3 bytes/);
  });
});
