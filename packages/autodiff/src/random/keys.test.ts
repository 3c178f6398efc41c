/** @file Keys: construction, JAX known answers for split, determinism, distinctness, JSON round trips. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { foldIn, isKey, type Key, key, keyFromJSON, split } from './keys.js';
import { threefry2x32 } from './threefry.js';

const seeds = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const id = (k: Key): string => `${k.words[0]}:${k.words[1]}`;

describe('key', () => {
  it('splits the seed into [high 32 bits, low 32 bits] like JAX PRNGKey', () => {
    expect(key(0).words).toEqual([0, 0]);
    expect(key(42).words).toEqual([0, 42]);
    expect(key(2 ** 40 + 5).words).toEqual([256, 5]);
    expect(key(Number.MAX_SAFE_INTEGER).words).toEqual([2 ** 21 - 1, 0xffffffff]);
  });

  it('is frozen, plain data that survives JSON', () => {
    const k = key(7);
    expect(Object.isFrozen(k) && Object.isFrozen(k.words)).toBe(true);
    expect(JSON.stringify(k)).toBe('{"kind":"tapenet.key","words":[0,7]}');
    expect(keyFromJSON(JSON.parse(JSON.stringify(k)))).toEqual(k);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects seed %s with a RangeError', (seed) => {
    expect(() => key(seed)).toThrow(RangeError);
    expect(() => key(seed)).toThrow(/key\(seed\): seed must be a non-negative safe integer/);
  });
});

describe('split', () => {
  it('matches jax.random.split(jax.random.PRNGKey(seed)) under partitionable Threefry', () => {
    // Values printed by JAX with jax_threefry_partitionable=True (the default since JAX 0.5); recorded as
    // expected values in NVIDIA/TensorRT-Incubator mlir-tensorrt/integrations/PJRT/test/JAX/test_random.py.
    expect(split(key(0)).map((k) => k.words)).toEqual([
      [1797259609, 2579123966],
      [928981903, 3453687069],
    ]);
    expect(split(key(1)).map((k) => k.words)).toEqual([
      [507451445, 1853169794],
      [1948878966, 4237131848],
    ]);
    expect(split(key(2)).map((k) => k.words)).toEqual([
      [1821159224, 3364244817],
      [637334850, 3278974502],
    ]);
  });

  test.prop([seeds, fc.integer({ min: 1, max: 16 })])('is deterministic and prefix-stable', (seed, num) => {
    const k = key(seed);
    expect(split(k, num)).toEqual(split(k, num));
    expect(split(k, num + 3).slice(0, num)).toEqual(split(k, num));
  });

  test.prop([seeds])('children differ from each other and from the parent', (seed) => {
    const k = key(seed);
    const children = split(k, 8);
    expect(new Set([k, ...children].map(id)).size).toBe(9);
  });

  it('gives no collisions among 10,000 keys from one split, nor from splitting each of them', () => {
    const keys = split(key(123), 10_000);
    expect(new Set(keys.map(id)).size).toBe(10_000);
    const grandchildren = keys.slice(0, 2_000).flatMap((k) => split(k, 2));
    expect(new Set([...keys, ...grandchildren].map(id)).size).toBe(14_000);
  });

  it('returns frozen keys and validates its arguments', () => {
    const [a] = split(key(1), 1);
    expect(a !== undefined && Object.isFrozen(a) && isKey(a)).toBe(true);
    expect(() => split(key(1), 0)).toThrow(/split\(k, num\): num must be a positive integer, got 0/);
    expect(() => split(key(1), 2.5)).toThrow(RangeError);
    expect(() => split({ kind: 'tapenet.key', words: [1] } as unknown as Key)).toThrow(/split: k must be a Key/);
  });
});

describe('foldIn', () => {
  test.prop([seeds, fc.nat({ max: 0xffffffff })])(
    'is threefry(k, (0, data)) and equals split(k, n)[data]',
    (seed, d) => {
      const k = key(seed);
      expect(foldIn(k, d).words).toEqual(threefry2x32(k.words[0], k.words[1], 0, d));
      if (d < 4) expect(foldIn(k, d)).toEqual(split(k, 4)[d]);
    },
  );

  test.prop([seeds, fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })])(
    'different data give different keys, and neither is the parent',
    (seed, d1, d2) => {
      fc.pre(d1 !== d2);
      const k = key(seed);
      expect(new Set([k, foldIn(k, d1), foldIn(k, d2)].map(id)).size).toBe(3);
    },
  );

  it.each([-1, 2 ** 32, 0.5, Number.NaN])('rejects data %s', (d) => {
    expect(() => foldIn(key(0), d)).toThrow(/foldIn\(k, data\): data must be a uint32/);
  });
});

describe('isKey and keyFromJSON', () => {
  it('accepts exactly the key shape', () => {
    expect(isKey(key(3))).toBe(true);
    expect(isKey({ kind: 'tapenet.key', words: [1, 2] })).toBe(true);
    for (const bad of [
      null,
      undefined,
      3,
      '{"kind":"tapenet.key","words":[0,1]}',
      [0, 1],
      { words: [0, 1] },
      { kind: 'other', words: [0, 1] },
      { kind: 'tapenet.key', words: [0] },
      { kind: 'tapenet.key', words: [0, 1, 2] },
      { kind: 'tapenet.key', words: [0, -1] },
      { kind: 'tapenet.key', words: [0, 2 ** 32] },
      { kind: 'tapenet.key', words: [0, 0.5] },
      { kind: 'tapenet.key', words: ['0', 1] },
    ]) {
      expect(isKey(bad)).toBe(false);
      expect(() => keyFromJSON(bad)).toThrow(TypeError);
      expect(() => keyFromJSON(bad)).toThrow(/keyFromJSON: expected \{ kind: 'tapenet.key', words: \[u32, u32\] \}/);
    }
  });

  it('returns a fresh frozen key', () => {
    const parsed = { kind: 'tapenet.key', words: [5, 6] };
    const k = keyFromJSON(parsed);
    expect(k).not.toBe(parsed);
    expect(Object.isFrozen(k) && Object.isFrozen(k.words)).toBe(true);
    expect(split(k)).toEqual(split(keyFromJSON({ ...parsed })));
  });
});
