/**
 * @file Properties: serialize → parse is bit-exact and deterministic; corrupted files (byte flips,
 * truncation, header edits, hostile lengths) never throw, never hang, and never allocate from a size
 * written in the file.
 */
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { byteSize, SAFE_DTYPES } from './dtype.js';
import { formatSafetensorsError } from './errors.js';
import { METADATA_KEY } from './header.js';
import { type ParsedSafetensors, parseSafetensors, type SafetensorsEntry } from './parse.js';
import { serializeSafetensors } from './serialize.js';

const sizeOf = (e: Pick<SafetensorsEntry, 'dtype' | 'shape'>): number => {
  const s = byteSize(e.dtype, e.shape);
  return s.ok ? s.bytes : -1;
};

/** Any valid entry: every dtype, ranks 0..4, dims 0..4 (zero-size included), random bytes. */
const arbEntry: fc.Arbitrary<SafetensorsEntry> = fc
  .record({
    name: fc.string({ unit: 'binary', maxLength: 10 }).filter((n) => n !== METADATA_KEY),
    dtype: fc.constantFrom(...SAFE_DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  })
  .filter((e) => sizeOf(e) >= 0)
  .chain((e) => fc.uint8Array({ minLength: sizeOf(e), maxLength: sizeOf(e) }).map((bytes) => ({ ...e, bytes })));

const arbEntries = fc.uniqueArray(arbEntry, { selector: (e) => e.name, maxLength: 6 });
const arbMetadata = fc.dictionary(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  {
    maxKeys: 4,
  },
);

const sortedPairs = (m: Readonly<Record<string, string>>): [string, string][] =>
  Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1));

const mustParse = (bytes: Uint8Array): ParsedSafetensors => {
  const r = parseSafetensors(bytes);
  if (E.isLeft(r)) throw new Error(formatSafetensorsError(r.left));
  return r.right;
};

describe('round trip', () => {
  test.prop([arbEntries, arbMetadata])('parse(serialize(x)) gives back x, bit for bit', (entries, metadata) => {
    const bytes = serializeSafetensors(entries, metadata);
    const parsed = mustParse(bytes);
    expect(parsed.tensors.size).toBe(entries.length);
    for (const e of entries) {
      const p = parsed.tensors.get(e.name);
      expect(p).toBeDefined();
      expect([p!.dtype, p!.shape]).toEqual([e.dtype, e.shape]);
      expect(Buffer.from(p!.bytes).equals(Buffer.from(e.bytes))).toBe(true);
    }
    expect(sortedPairs(parsed.metadata)).toEqual(sortedPairs(metadata));
    // And back again: the bytes themselves survive a parse → serialize cycle.
    expect(
      Buffer.from(serializeSafetensors([...parsed.tensors.values()], parsed.metadata)).equals(Buffer.from(bytes)),
    ).toBe(true);
  });

  test.prop([arbEntries, arbMetadata])('the output does not depend on the order of entries', (entries, metadata) => {
    const a = serializeSafetensors(entries, metadata);
    const b = serializeSafetensors([...entries].reverse(), Object.fromEntries(Object.entries(metadata).reverse()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test.prop([arbEntries])('packs tensors in name order after a space-padded, 8-aligned header', (entries) => {
    const bytes = serializeSafetensors(entries);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(header.slice(header.trimEnd().length))).toBe(true);
    const names = [...mustParse(bytes).tensors.values()].filter((t) => t.bytes.length > 0).map((t) => t.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});

/** What must hold of any file the parser accepts: views into the input that tile the buffer exactly. */
const checkAccepted = (bytes: Uint8Array, parsed: ParsedSafetensors): void => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  let total = 0;
  for (const t of parsed.tensors.values()) {
    expect(t.bytes.buffer).toBe(bytes.buffer);
    expect(t.bytes.length).toBe(sizeOf(t));
    total += t.bytes.length;
  }
  expect(total).toBe(bytes.length - 8 - n);
  const again = mustParse(serializeSafetensors([...parsed.tensors.values()], parsed.metadata));
  expect(again.tensors.size).toBe(parsed.tensors.size);
};

/** Parses `bytes`, requiring that it returns (never throws) within a generous time bound. */
const parseSafely = (bytes: Uint8Array): void => {
  const t0 = performance.now();
  const r = parseSafetensors(bytes);
  expect(performance.now() - t0).toBeLessThan(2000);
  if (E.isRight(r)) checkAccepted(bytes, r.right);
};

const arbFile = fc.tuple(arbEntries, arbMetadata).map(([e, m]) => serializeSafetensors(e, m));

/** A JSON-ish value to plant in a header: small and huge integers, fractions, strings, null, arrays. */
const arbJunk = fc.oneof(
  fc.integer({ min: -3, max: 80 }),
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e300, -0, 0.5, 2 ** 40),
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 3 }),
);

type Edit = (header: Record<string, unknown>, names: string[]) => void;
const at = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
const entryAt = (h: Record<string, unknown>, names: string[], i: number): Record<string, unknown> | undefined => {
  const name = at(names, i);
  return name === undefined ? undefined : (h[name] as Record<string, unknown>);
};

/** Structural edits of a header object: change offsets, dims, dtypes, keys, metadata. */
const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 1 }), arbJunk).map(
    ([i, pos, v]): Edit =>
      (h, ns) => {
        const e = entryAt(h, ns, i);
        if (e && Array.isArray(e.data_offsets)) e.data_offsets[pos] = v;
      },
  ),
  fc.tuple(fc.nat(), fc.nat(), arbJunk).map(
    ([i, axis, v]): Edit =>
      (h, ns) => {
        const e = entryAt(h, ns, i);
        const shape: unknown = e?.shape;
        if (Array.isArray(shape) && shape.length > 0) shape[axis % shape.length] = v;
        else if (Array.isArray(shape)) shape.push(v);
      },
  ),
  fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...SAFE_DTYPES), fc.string({ maxLength: 4 }))).map(
    ([i, d]): Edit =>
      (h, ns) => {
        const e = entryAt(h, ns, i);
        if (e) e.dtype = d;
      },
  ),
  fc.tuple(fc.nat(), fc.constantFrom('dtype', 'shape', 'data_offsets')).map(
    ([i, k]): Edit =>
      (h, ns) => {
        const e = entryAt(h, ns, i);
        if (e) delete e[k];
      },
  ),
  fc.tuple(fc.nat(), fc.string({ maxLength: 4 }), arbJunk).map(
    ([i, k, v]): Edit =>
      (h, ns) => {
        const e = entryAt(h, ns, i);
        if (e) e[k] = v;
        else h[k] = v;
      },
  ),
  arbJunk.map(
    (v): Edit =>
      (h) => {
        h[METADATA_KEY] = typeof v === 'string' ? { k: v } : v;
      },
  ),
);

/** Rebuilds a file from an edited header, optionally repeating the first key (a duplicate name). */
const withHeader = (
  bytes: Uint8Array,
  edits: Edit[],
  duplicate: boolean,
): { bytes: Uint8Array; duplicated: boolean } => {
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const names = Object.keys(header).filter((k) => k !== METADATA_KEY);
  for (const edit of edits) edit(header, names);
  let text = JSON.stringify(header);
  const first = Object.entries(header)[0];
  if (duplicate && first) text = `{${JSON.stringify(first[0])}:${JSON.stringify(first[1])},${text.slice(1)}`;
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  return { bytes: out, duplicated: duplicate && first !== undefined };
};

describe('corrupted input', () => {
  const arbFlips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 });

  test.prop([arbFile, arbFlips], { numRuns: 300 })('random byte flips never throw', (bytes, flips) => {
    const copy = bytes.slice();
    for (const [pos, x] of flips) copy[pos % copy.length]! ^= x;
    parseSafely(copy);
  });

  test.prop([arbFile, fc.nat()])('every truncation is rejected without throwing', (bytes, cut) => {
    const short = bytes.slice(0, cut % bytes.length);
    expect(E.isLeft(parseSafetensors(short))).toBe(true);
    parseSafely(short);
  });

  test.prop([arbFile, fc.array(arbEdit, { minLength: 1, maxLength: 3 }), fc.boolean()], { numRuns: 300 })(
    'header edits never throw; a file that is still accepted is still consistent',
    (bytes, edits, duplicate) => {
      const edited = withHeader(bytes, edits, duplicate);
      parseSafely(edited.bytes);
      if (edited.duplicated) {
        // A repeated key is caught while parsing the JSON, before any other rule can fire.
        const r = parseSafetensors(edited.bytes);
        expect(E.isLeft(r) && r.left.kind).toBe('duplicate-key');
      }
    },
  );

  test.prop([arbFile, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })])('any header length is safe', (bytes, n) => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setBigUint64(0, n, true);
    parseSafely(copy);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('arbitrary bytes never throw', (bytes) => {
    parseSafely(bytes);
  });

  it('allocates nothing for sizes the header claims', () => {
    const claim = (shape: number[], end: number): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify({ a: { dtype: 'U8', shape, data_offsets: [0, end] } }));
      const out = new Uint8Array(8 + json.length + 16);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    const before = process.memoryUsage().arrayBuffers;
    const kinds = [claim([2 ** 40], 2 ** 40), claim([2 ** 31], 2 ** 31), claim([2 ** 53], 2 ** 53)].map((f) => {
      const r = parseSafetensors(f);
      return E.isLeft(r) ? r.left.kind : 'accepted';
    });
    expect(kinds).toEqual(['bad-shape', 'bad-offsets', 'bad-shape']); // 2^40 is above MAX_DIMENSION
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });
});
