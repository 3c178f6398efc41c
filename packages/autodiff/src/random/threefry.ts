/**
 * @file Threefry-2x32 with 20 rounds, the counter-based block function behind every random key and sample.
 *
 * Threefry (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the
 * Random123 library) maps a 64-bit key and a 64-bit counter to 64 pseudo-random bits. It is a keyed
 * bijection of the counter, so distinct counters under one key never collide, and each output depends
 * only on (key, counter): there is no hidden state to carry.
 *
 * One round on the words (x0, x1) with rotation constant r is
 * `x0 ← x0 + x1;  x1 ← rotl(x1, r) ⊕ x0` (all mod 2³²), with r cycling through
 * `13, 15, 26, 6, 17, 29, 16, 24`. The key schedule is `ks = [k0, k1, k0 ⊕ k1 ⊕ 0x1BD11BDA]`; before the
 * first round `x = c + ks[0..1]`, and after every fourth round s (s = 1..5) the key is injected again:
 * `x0 += ks[s mod 3];  x1 += ks[(s+1) mod 3] + s`.
 *
 * Words are carried as int32 inside the rounds (`| 0` wraps exactly like mod 2³²) and handed out as
 * uint32 (`>>> 0`).
 */

/** The Skein key-schedule parity constant. */
const PARITY = 0x1bd11bda;
/** 2³², the size of one counter word. */
const WORD = 0x1_0000_0000;

/** `rotl(x, r)`: rotate a 32-bit word left by r bits (0 < r < 32); int32 in, int32 out. */
const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/**
 * Runs the 20 rounds on counter (c0, c1) and writes the two output words to `out[at]`, `out[at + 1]`.
 * `ks2` is the precomputed third key word; all arguments are int32 or uint32 bit patterns.
 */
// biome-ignore format: one Threefry round per line reads like the specification
function block(k0: number, k1: number, ks2: number, c0: number, c1: number, out: Uint32Array, at: number): void {
  let x0 = (c0 + k0) | 0;
  let x1 = (c1 + k1) | 0;
  // Rounds 1-4 (r = 13, 15, 26, 6), then injection s = 1.
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + ks2 + 1) | 0;
  // Rounds 5-8 (r = 17, 29, 16, 24), then injection s = 2.
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + k0 + 2) | 0;
  // Rounds 9-12, then injection s = 3.
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0;
  // Rounds 13-16, then injection s = 4.
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + ks2 + 4) | 0;
  // Rounds 17-20, then injection s = 5.
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + k0 + 5) | 0;
  out[at] = x0;
  out[at + 1] = x1;
}

const isUint32 = (x: number): boolean => Number.isInteger(x) && x >= 0 && x < WORD;

function checkWords(fn: string, names: readonly string[], values: readonly number[]): void {
  values.forEach((v, i) => {
    if (!isUint32(v)) throw new RangeError(`${fn}: ${names[i]} must be a uint32 (integer in [0, 2^32)), got ${v}`);
  });
}

/**
 * Threefry-2x32-20 of one block: `(y0, y1) = threefry(key = (k0, k1), counter = (c0, c1))`.
 * All four inputs and both outputs are uint32 numbers.
 *
 * @example threefry2x32(0, 0, 0, 0) // [0x6b200159, 0x99ba4efe], the Random123 known answer
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  checkWords('threefry2x32', ['k0', 'k1', 'c0', 'c1'], [k0, k1, c0, c1]);
  const out = new Uint32Array(2);
  block(k0, k1, k0 ^ k1 ^ PARITY, c0, c1, out, 0);
  return [out[0]!, out[1]!];
}

function checkRange(fn: string, k0: number, k1: number, start: number, count: number): void {
  checkWords(fn, ['k0', 'k1'], [k0, k1]);
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError(`${fn}: start must be a non-negative safe integer, got ${start}`);
  }
  if (start + count > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${fn}: counters start + count = ${start + count} exceed 2^53 - 1`);
  }
}

/**
 * Fills `out` with the blocks for the 64-bit counters `start, start + 1, …`: block j uses the counter
 * words `(c0, c1) = (⌊(start + j) / 2³²⌋, (start + j) mod 2³²)` (JAX's `iota_2x32_shape` order) and writes
 * `out[2j] = y0`, `out[2j + 1] = y1`. `out.length` must be even; no per-element allocation.
 */
export function threefry2x32Fill(k0: number, k1: number, start: number, out: Uint32Array): Uint32Array {
  if (out.length % 2 !== 0) throw new RangeError(`threefry2x32Fill: out.length must be even, got ${out.length}`);
  const count = out.length / 2;
  checkRange('threefry2x32Fill', k0, k1, start, count);
  const ks2 = k0 ^ k1 ^ PARITY;
  let c0 = Math.floor(start / WORD);
  let c1 = start % WORD;
  for (let j = 0; j < count; j++) {
    block(k0, k1, ks2, c0, c1, out, 2 * j);
    c1++;
    if (c1 === WORD) {
      c1 = 0;
      c0++;
    }
  }
  return out;
}

/**
 * Fills `out` with one 32-bit word per counter: `out[j] = y0 ⊕ y1` of the block for counter `start + j`
 * (counter words as in {@link threefry2x32Fill}). This is JAX's partitionable 32-bit `random_bits`.
 */
export function threefry2x32FillXor(k0: number, k1: number, start: number, out: Uint32Array): Uint32Array {
  checkRange('threefry2x32FillXor', k0, k1, start, out.length);
  const ks2 = k0 ^ k1 ^ PARITY;
  const pair = new Uint32Array(2);
  let c0 = Math.floor(start / WORD);
  let c1 = start % WORD;
  for (let j = 0; j < out.length; j++) {
    block(k0, k1, ks2, c0, c1, pair, 0);
    out[j] = pair[0]! ^ pair[1]!;
    c1++;
    if (c1 === WORD) {
      c1 = 0;
      c0++;
    }
  }
  return out;
}
