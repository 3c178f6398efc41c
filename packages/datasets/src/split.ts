/** @file Train/validation split of a dataset view, optionally stratified by class and keyed. */
import { type Key, random } from '@tapenet/autodiff';
import { type Dataset, withIndices } from './dataset.js';

/** Options of {@link split}: give exactly one of `count` and `fraction`. */
export type SplitOptions = (
  | { readonly count: number; readonly fraction?: undefined }
  | { readonly fraction: number; readonly count?: undefined }
) & {
  /** Keep each class's share: class `c` gives `⌊q_c⌋` or `⌈q_c⌉` validation examples, `q_c = count·n_c / n`. */
  readonly stratified?: boolean;
  /** Chooses the validation examples at random; without a key, the last examples (of each class) are taken. */
  readonly key?: Key;
};

/**
 * Validation examples per class: each class gets `⌊q_c⌋`, and the `count - Σ⌊q_c⌋` classes with the largest
 * fractional parts (ties: lower class first) get one more, so every class is within ±1 of its quota `q_c`.
 */
export const stratifiedQuotas = (perClass: readonly number[], count: number): number[] => {
  const total = perClass.reduce((a, b) => a + b, 0);
  const quotas = perClass.map((n) => (total === 0 ? 0 : (count * n) / total));
  const out = quotas.map(Math.floor);
  const order = quotas.map((q, c) => ({ c, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.c - b.c);
  let left = count - out.reduce((a, b) => a + b, 0);
  for (const { c } of order) {
    if (left === 0) break;
    out[c] = out[c]! + 1;
    left--;
  }
  return out;
};

const validationCount = (fn: string, n: number, o: SplitOptions): number => {
  if (o.count !== undefined) {
    if (!Number.isInteger(o.count) || o.count < 0 || o.count > n) {
      throw new RangeError(`${fn}: count must be an integer in [0, ${n}], got ${o.count}`);
    }
    return o.count;
  }
  if (!(o.fraction >= 0 && o.fraction <= 1))
    throw new RangeError(`${fn}: fraction must be in [0, 1], got ${o.fraction}`);
  return Math.round(o.fraction * n);
};

/**
 * Splits `ds` into `[train, validation]` views (no pixels are copied); both keep the order of `ds`.
 * The validation part has `count` examples, or `round(fraction · ds.count)`.
 *
 * Which examples: with `key`, a random selection (`random.permutation(key, n)` decides); without, the last
 * ones. With `stratified`, each class contributes `⌊q_c⌋` or `⌈q_c⌉` examples (`q_c = count · n_c / n`,
 * largest remainders first), so class proportions hold within ±1 example per class in both parts.
 * @throws RangeError when `count`/`fraction` is out of range.
 * @example const [train, val] = split(ds, { fraction: 0.1, stratified: true, key: key(0) });
 */
export const split = (ds: Dataset, options: SplitOptions): readonly [train: Dataset, validation: Dataset] => {
  const n = ds.count;
  const count = validationCount('split', n, options);
  const labels = ds.indices.map((row) => ds.labels[row]!);
  const classes = ds.classNames.length;
  const quota = (() => {
    if (!options.stratified) return [count];
    const perClass = new Array<number>(classes).fill(0);
    for (const l of labels) perClass[l] = perClass[l]! + 1;
    return stratifiedQuotas(perClass, count);
  })();
  const bucket = (i: number): number => (options.stratified ? labels[i]! : 0);
  const order =
    options.key !== undefined
      ? random.permutation(options.key, n).data()
      : Int32Array.from({ length: n }, (_, i) => n - 1 - i);
  const inValidation = new Uint8Array(n);
  for (const i of order) {
    const b = bucket(i);
    if (quota[b]! > 0) {
      quota[b] = quota[b]! - 1;
      inValidation[i] = 1;
    }
  }
  const train = new Int32Array(n - count);
  const validation = new Int32Array(count);
  let t = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    if (inValidation[i] === 1) validation[v++] = ds.indices[i]!;
    else train[t++] = ds.indices[i]!;
  }
  return [withIndices(ds, train), withIndices(ds, validation)];
};
