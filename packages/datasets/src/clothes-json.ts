/**
 * @file A strict, streaming-speed reader for the `fashion-mnist` package's JSON files.
 *
 * The files are `{"data": [[p, p, ...], ...]}` with rows of 784 integers 0-255 (or empty rows). `JSON.parse` on
 * the 150 MB builds millions of JS numbers and takes about 2.7 s; this scanner reads the UTF-8 bytes straight
 * into pixel bytes in well under half that. It accepts exactly that grammar (JSON whitespace allowed between
 * tokens) and rejects anything else with the byte offset, so it never guesses.
 */
import * as E from 'fp-ts/lib/Either.js';
import { type DatasetError, datasetError } from './errors.js';

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const show = (c: number | undefined): string =>
  c === undefined ? 'end of file' : JSON.stringify(String.fromCharCode(c));

/**
 * Scans `{"data": [[...], ...]}` and calls `onRow(index, pixels)` for every row, with `pixels` a reused buffer
 * holding the row's values (`pixels.length` is 0 for an empty row). Rows must have 0 or `rowLength` integers
 * 0-255. `onRow` may return a {@link DatasetError} to stop. Returns the number of rows.
 */
export const scanPixelRowsJson = (
  bytes: Uint8Array,
  file: string,
  rowLength: number,
  onRow: (index: number, pixels: Uint8Array) => DatasetError | undefined,
): E.Either<DatasetError, number> => {
  let i = 0;
  const end = bytes.length;
  const fail = (expected: string): E.Either<DatasetError, number> =>
    E.left(datasetError('bad-json', file, `at byte ${i}: expected ${expected}, found ${show(bytes[i])}`));
  const skip = (): void => {
    while (i < bytes.length && isSpace(bytes[i]!)) i++;
  };
  const eat = (c: number): boolean => {
    skip();
    if (bytes[i] !== c) return false;
    i++;
    return true;
  };
  const row = new Uint8Array(rowLength);
  const key = '"data"';
  if (!eat(0x7b)) return fail("'{'");
  skip();
  for (let k = 0; k < key.length; k++, i++) if (bytes[i] !== key.charCodeAt(k)) return fail(`the key ${key}`);
  if (!eat(0x3a)) return fail("':'");
  if (!eat(0x5b)) return fail("'[' opening the rows");
  let rows = 0;
  if (!eat(0x5d)) {
    for (;;) {
      if (!eat(0x5b)) return fail("'[' opening a row");
      let n = 0;
      if (!eat(0x5d)) {
        // hot loop (55 million values): no calls, one pass over each byte
        for (;;) {
          let c = i < end ? bytes[i]! : -1;
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = ++i < end ? bytes[i]! : -1;
          const start = i;
          let v = 0;
          while (c >= 0x30 && c <= 0x39 && i - start < 4) {
            v = v * 10 + c - 0x30;
            c = ++i < end ? bytes[i]! : -1;
          }
          const digits = i - start;
          if (digits === 0 || digits > 3 || v > 255 || (digits > 1 && bytes[start] === 0x30)) {
            i = start;
            return fail('an integer 0-255');
          }
          if (n === rowLength) return fail(`']' after ${rowLength} values in row ${rows}`);
          row[n++] = v;
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = ++i < end ? bytes[i]! : -1;
          i++;
          if (c === 0x5d) break;
          if (c !== 0x2c) {
            i--;
            return fail(`',' or ']' in row ${rows}`);
          }
        }
      }
      if (n !== 0 && n !== rowLength) {
        return E.left(datasetError('bad-json', file, `row ${rows} has ${n} values, expected ${rowLength} (or none)`));
      }
      const stop = onRow(rows, row.subarray(0, n));
      if (stop !== undefined) return E.left(stop);
      rows++;
      if (eat(0x5d)) break;
      if (!eat(0x2c)) return fail("',' or ']' after a row");
    }
  }
  if (!eat(0x7d)) return fail("'}'");
  skip();
  if (i !== bytes.length) return fail('end of file');
  return E.right(rows);
};
