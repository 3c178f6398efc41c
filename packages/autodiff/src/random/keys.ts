/**
 * @file PRNG keys as plain, frozen, JSON-serialisable data, split and folded JAX-style with Threefry-2x32.
 *
 * A key is two uint32 words. New keys come only from old keys through {@link split} and {@link foldIn};
 * samplers read a key and never change it, so the same key always gives the same numbers. Follows JAX's
 * Threefry implementation with `jax_threefry_partitionable` on (its default since JAX 0.5):
 * `split(k, n)[i] = threefry(k, (0, i))` and `foldIn(k, d) = threefry(k, (0, d))`, so
 * `split(k, n)[i]` equals `foldIn(k, i)`, exactly as in JAX (jax-ml/jax#13341).
 */
import { threefry2x32, threefry2x32Fill } from './threefry.js';

/** A PRNG key: two uint32 words. Frozen, and `JSON.stringify` gives `{"kind":"tapenet.key","words":[w0,w1]}`. */
export type Key = { readonly kind: 'tapenet.key'; readonly words: readonly [number, number] };

const WORD = 0x1_0000_0000;

const isUint32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < WORD;

/** Builds a frozen key from two uint32 words (not validated: internal use only). */
const makeKey = (w0: number, w1: number): Key =>
  Object.freeze({ kind: 'tapenet.key', words: Object.freeze([w0, w1] as const) });

const describe = (x: unknown): string => {
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return typeof x === 'object' ? 'an object that is not a key' : typeof x;
};

/**
 * Whether `x` has the shape of a {@link Key}: `kind === 'tapenet.key'` and `words` an array of exactly
 * two uint32 integers. Other properties are ignored; freezing is not required (a parsed checkpoint passes).
 */
export function isKey(x: unknown): x is Key {
  if (typeof x !== 'object' || x === null) return false;
  const { kind, words } = x as { kind?: unknown; words?: unknown };
  return kind === 'tapenet.key' && Array.isArray(words) && words.length === 2 && words.every(isUint32);
}

function checkKey(fn: string, k: unknown): asserts k is Key {
  if (!isKey(k))
    throw new TypeError(`${fn}: k must be a Key { kind: 'tapenet.key', words: [u32, u32] }, got ${describe(k)}`);
}

/**
 * A key from an integer seed, as JAX's `PRNGKey(seed)`: `words = [⌊seed / 2³²⌋, seed mod 2³²]`.
 *
 * @param seed a non-negative safe integer (0 ≤ seed ≤ 2⁵³ − 1).
 * @throws RangeError naming `key(seed)` for anything else.
 * @example key(42) // { kind: 'tapenet.key', words: [0, 42] }
 */
export function key(seed: number): Key {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(
      `key(seed): seed must be a non-negative safe integer (0 ≤ seed ≤ 2^53 − 1), got ${describe(seed)}`,
    );
  }
  return makeKey(Math.floor(seed / WORD), seed % WORD);
}

/**
 * `num` new keys from `k`: key i is `threefry2x32(k, counter = (⌊i / 2³²⌋, i mod 2³²))`, i = 0 … num − 1.
 * The children are distinct from each other (Threefry is a bijection of the counter under a fixed key)
 * and, with overwhelming probability, from `k` and from keys made under other parents.
 *
 * @param num a positive integer, default 2.
 * @example const [params, dropout] = split(key(0));
 */
export function split(k: Key, num = 2): Key[] {
  checkKey('split', k);
  if (!Number.isSafeInteger(num) || num < 1) {
    throw new RangeError(`split(k, num): num must be a positive integer, got ${describe(num)}`);
  }
  const words = threefry2x32Fill(k.words[0], k.words[1], 0, new Uint32Array(2 * num));
  const keys: Key[] = new Array<Key>(num);
  for (let i = 0; i < num; i++) keys[i] = makeKey(words[2 * i]!, words[2 * i + 1]!);
  return keys;
}

/**
 * Mixes a uint32 into a key, as JAX's `fold_in`: `foldIn(k, data) = threefry2x32(k, counter = (0, data))`.
 * Useful for per-step or per-layer keys: `foldIn(k, step)`. Note `foldIn(k, i)` equals `split(k, n)[i]`.
 *
 * @param data an integer in [0, 2³²).
 */
export function foldIn(k: Key, data: number): Key {
  checkKey('foldIn', k);
  if (!isUint32(data)) {
    throw new RangeError(`foldIn(k, data): data must be a uint32 (integer in [0, 2^32)), got ${describe(data)}`);
  }
  const [w0, w1] = threefry2x32(k.words[0], k.words[1], 0, data);
  return makeKey(w0, w1);
}

/**
 * Validates a parsed JSON value (e.g. from a checkpoint) and returns it as a fresh frozen {@link Key}.
 * Pass the parsed value, not the JSON text.
 *
 * @throws TypeError naming `keyFromJSON` when `x` is not `{ kind: 'tapenet.key', words: [u32, u32] }`.
 */
export function keyFromJSON(x: unknown): Key {
  if (!isKey(x)) {
    throw new TypeError(
      `keyFromJSON: expected { kind: 'tapenet.key', words: [u32, u32] } with integer words in [0, 2^32), got ${describeJSON(x)}`,
    );
  }
  return makeKey(x.words[0], x.words[1]);
}

/** A short JSON rendering of a rejected value for error messages. */
function describeJSON(x: unknown): string {
  try {
    const text = JSON.stringify(x);
    if (text === undefined) return describe(x);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return describe(x);
  }
}
