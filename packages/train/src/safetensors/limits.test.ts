/**
 * @file The header limits: tensor count, rank, dimension size, and the length of what an error message
 * repeats. Headers that the format allows but no real file has (a million empty tensors, a shape of ten
 * million dimensions, a name of megabytes) are refused quickly, with a short message.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { formatSafetensorsError } from './errors.js';
import { MAX_DIMENSION } from './header.js';
import { MAX_RANK, MAX_TENSORS, parseSafetensors } from './parse.js';

/** A file whose header is `json` (as text) and whose data section is `dataBytes` zero bytes. */
function file(json: string, dataBytes = 0): Uint8Array {
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + header.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  return out;
}

/** Parses and returns the error message, with the time it took in milliseconds. */
function refusal(bytes: Uint8Array): { message: string; ms: number } {
  const start = performance.now();
  const r = parseSafetensors(bytes, 'big.safetensors');
  const ms = performance.now() - start;
  if (E.isRight(r)) throw new Error('expected a refusal');
  return { message: formatSafetensorsError(r.left), ms };
}

const entry = (i: number) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`;

describe('safetensors header limits', () => {
  it(`refuses more than ${MAX_TENSORS} tensors after reading no more of the header than that`, () => {
    const json = `{${Array.from({ length: 200_000 }, (_, i) => entry(i)).join(',')}}`;
    const { message, ms } = refusal(file(json));
    expect(message).toBe(
      `big.safetensors: header refused: $ is an object of more than ${MAX_TENSORS + 1} members (at most ${MAX_TENSORS} tensors of rank ≤ ${MAX_RANK})`,
    );
    // A header of 1.6 million entries took 78 s to refuse before the limit; the limit stops reading at 2^16.
    expect(ms).toBeLessThan(5_000);
  });

  it('accepts exactly the limit of tensors', () => {
    const json = `{${Array.from({ length: MAX_TENSORS }, (_, i) => entry(i)).join(',')}}`;
    expect(E.isRight(parseSafetensors(file(json)))).toBe(true);
  });

  it(`refuses a rank above ${MAX_RANK} at once, however long the shape`, () => {
    const json = `{"a":{"dtype":"F32","shape":[${new Array(10_000_000).fill(0).join(',')}],"data_offsets":[0,0]}}`;
    const { message, ms } = refusal(file(json));
    expect(message).toContain(`header refused: $["a"]["shape"] is an array longer than ${MAX_RANK} items`);
    expect(message.length).toBeLessThan(200);
    expect(ms).toBeLessThan(2_000);
  });

  it(`refuses a dimension above 2^32 (${MAX_DIMENSION}), even of an empty tensor`, () => {
    const { message } = refusal(file(`{"a":{"dtype":"F32","shape":[0,${MAX_DIMENSION + 1}],"data_offsets":[0,0]}}`));
    expect(message).toBe(
      `big.safetensors: tensor "a": shape[1] is ${MAX_DIMENSION + 1}, above the limit of ${MAX_DIMENSION} (2^32)`,
    );
    expect(
      E.isRight(parseSafetensors(file(`{"a":{"dtype":"F32","shape":[0,${MAX_DIMENSION}],"data_offsets":[0,0]}}`))),
    ).toBe(true);
  });

  it('cuts what an error repeats from the file: a name of a megabyte gives a short message', () => {
    const name = 'n'.repeat(1 << 20);
    const { message } = refusal(file(`{"${name}":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}}`, 4));
    expect(message).toContain('… (1048576 characters): unknown dtype "Q9"');
    expect(message.length).toBeLessThan(400);
    const junk = refusal(file(`{"a":{"dtype":"F32","shape":["${'x'.repeat(100_000)}"],"data_offsets":[0,0]}}`));
    expect(junk.message.length).toBeLessThan(400);
  });
});
