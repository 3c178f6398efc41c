/** @file The strict header JSON parser: agreement with JSON.parse, and what it refuses that JSON.parse allows. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type Json, MAX_JSON_DEPTH, parseJson } from './json.js';

/** Converts a parsed value to the plain value JSON.parse would give. */
const plain = (j: Json): unknown => {
  switch (j.t) {
    case 'null':
      return null;
    case 'bool':
    case 'num':
    case 'str':
      return j.v;
    case 'arr':
      return j.items.map(plain);
    case 'obj':
      return Object.fromEntries([...j.members].map(([k, v]) => [k, plain(v)]));
  }
};

const value = (text: string): Json => {
  const r = parseJson(text);
  if (!r.ok) throw new Error(`expected a value, got ${JSON.stringify(r.failure)}`);
  return r.value;
};

describe('parseJson', () => {
  test.prop([fc.jsonValue({ maxDepth: 4 }), fc.boolean()])('agrees with JSON.parse on valid JSON', (v, pretty) => {
    const text = JSON.stringify(v, null, pretty ? 2 : undefined);
    expect(plain(value(text))).toEqual(JSON.parse(text));
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 40 })])(
    'never throws, and fails exactly when JSON.parse does',
    (text) => {
      const r = parseJson(text);
      let native = true;
      try {
        JSON.parse(text);
      } catch {
        native = false;
      }
      // It may refuse more (unpaired surrogate escapes), never less.
      if (!native) expect(r.ok).toBe(false);
    },
  );

  it('keeps the source text of numbers', () => {
    expect(value('[1, 1.0, 1e2, -0]')).toMatchObject({
      items: [{ raw: '1' }, { raw: '1.0' }, { raw: '1e2' }, { raw: '-0' }],
    });
  });

  it('rejects duplicate keys, which JSON.parse silently merges', () => {
    expect(parseJson('{"a":1,"b":{"c":1,"c":2}}')).toEqual({
      ok: false,
      failure: { kind: 'duplicate-key', key: 'c', path: '$["b"]' },
    });
  });

  it('rejects unpaired surrogate escapes but decodes pairs', () => {
    expect(parseJson('"\\ud800"').ok).toBe(false);
    expect(parseJson('"\\udc00\\ud800"').ok).toBe(false);
    expect(value('"\\ud83d\\ude00"')).toEqual({ t: 'str', v: '😀' });
  });

  it(`caps nesting at ${MAX_JSON_DEPTH} levels instead of overflowing the stack`, () => {
    expect(parseJson(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`).ok).toBe(true);
    expect(parseJson(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`).ok).toBe(false);
    expect(parseJson('['.repeat(1_000_000)).ok).toBe(false);
  });

  it('reports the position of a syntax error', () => {
    expect(parseJson('{"a" 1}')).toEqual({
      ok: false,
      failure: { kind: 'syntax', message: "expected ':'", position: 5 },
    });
    expect(parseJson('"a\nb"').ok).toBe(false);
    expect(parseJson('01').ok).toBe(false);
  });
});
