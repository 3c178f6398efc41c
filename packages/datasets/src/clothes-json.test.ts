/** @file The strict pixel-row JSON scanner, with JSON.parse as the oracle. */
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { scanPixelRowsJson } from './clothes-json.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Scans with row length 3 and collects the rows as plain arrays. */
const scan = (text: string) => {
  const rows: number[][] = [];
  const result = scanPixelRowsJson(enc(text), 'c.json', 3, (_, px) => {
    rows.push(Array.from(px));
    return undefined;
  });
  return E.map(() => rows)(result);
};
const arbRows = fc.array(
  fc.oneof(fc.constant<number[]>([]), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 3, maxLength: 3 })),
  { maxLength: 6 },
);

describe('scanPixelRowsJson', () => {
  it('reads rows, empty rows and whitespace', () => {
    expect(scan('{"data":[[0,1,255],[]]}')).toEqual(E.right([[0, 1, 255], []]));
    expect(scan(' {\n "data" : [ [ 7 , 8 ,9 ] ]\t}\n')).toEqual(E.right([[7, 8, 9]]));
    expect(scan('{"data":[]}')).toEqual(E.right([]));
  });

  it('rejects everything outside the grammar with the byte offset', () => {
    const message = (text: string) => {
      const r = scan(text);
      return E.isLeft(r) ? r.left.message : 'accepted';
    };
    expect(message('{"data":[[1,2,256]]}')).toBe('c.json: at byte 14: expected an integer 0-255, found "2"');
    expect(message('{"data":[[1,2,3,4]]}')).toContain("expected ']' after 3 values in row 0");
    expect(message('{"data":[[1,2]]}')).toBe('c.json: row 0 has 2 values, expected 3 (or none)');
    expect(message('{"data":[[1,2,03]]}')).toContain('expected an integer 0-255');
    expect(message('{"data":[[1,2,3.0]]}')).toContain("expected ',' or ']' in row 0");
    expect(message('{"data":[[1,2,-3]]}')).toContain('expected an integer 0-255, found "-"');
    expect(message('{"dat":[]}')).toContain('expected the key "data"');
    expect(message('{"data":[]}x')).toBe('c.json: at byte 11: expected end of file, found "x"');
    expect(message('{"data":[[1,2,3]')).toContain('found end of file');
  });

  it('stops when the callback returns an error', () => {
    const stop = { kind: 'bad-json' as const, file: 'c.json', message: 'enough' };
    const r = scanPixelRowsJson(enc('{"data":[[],[],[]]}'), 'c.json', 3, (i) => (i === 1 ? stop : undefined));
    expect(r).toEqual(E.left(stop));
  });

  test.prop([arbRows, fc.constantFrom(undefined, 1, '\t')])('reads what JSON.stringify writes', (rows, indent) => {
    expect(scan(JSON.stringify({ data: rows }, null, indent))).toEqual(E.right(rows));
  });

  test.prop([arbRows, fc.nat(), fc.integer({ min: 0, max: 127 })])(
    'after a random byte edit, whatever it accepts JSON.parse reads the same way',
    (rows, at, code) => {
      const text = JSON.stringify({ data: rows });
      const i = at % text.length;
      const edited = text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
      const result = scan(edited);
      if (E.isRight(result)) expect(JSON.parse(edited)).toEqual({ data: result.right });
    },
  );
});
