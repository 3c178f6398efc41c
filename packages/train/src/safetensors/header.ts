/**
 * @file Validation of a parsed safetensors header against the format's rules: the shape of each entry,
 * known dtypes, sizes that agree with shapes, and offsets that tile the byte buffer exactly.
 */
import * as E from 'fp-ts/lib/Either.js';
import { byteSize, isSafeDType, type SafeDType } from './dtype.js';
import type { SafetensorsError } from './errors.js';
import type { Json } from './json.js';

/** One tensor as the header describes it; offsets are relative to the start of the byte buffer. */
export type TensorInfo = {
  readonly name: string;
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
};

/** A validated header: tensors in buffer order, and the `__metadata__` map (empty when absent). */
export type Header = {
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
};

/** The key under which a header keeps its free-form string metadata. */
export const METADATA_KEY = '__metadata__';

const ENTRY_KEYS: readonly string[] = ['dtype', 'shape', 'data_offsets'];

/**
 * The largest dimension accepted: 2³², the most bytes a Node.js buffer (and so this reader) can hold, so
 * no tensor this reader can load has a larger one; only empty tensors could, and they need none.
 */
export const MAX_DIMENSION = 2 ** 32;

/** A plain non-negative integer literal: no sign, fraction, exponent or leading zero. */
const isIndex = (j: Json | undefined): j is Extract<Json, { t: 'num' }> =>
  j?.t === 'num' && /^(?:0|[1-9][0-9]*)$/.test(j.raw) && Number.isSafeInteger(j.v);

/** A JSON value as an error message shows it, cut short: a hostile header can hold megabytes in one value. */
const describe = (j: Json): string => {
  const text = j.t === 'num' ? j.raw : j.t === 'str' ? JSON.stringify(j.v) : `a ${j.t}`;
  return text.length <= 100 ? text : `${text.slice(0, 100)}… (${text.length} characters)`;
};

function readMetadata(value: Json, file: string): E.Either<SafetensorsError, Record<string, string>> {
  if (value.t !== 'obj') return E.left({ kind: 'bad-metadata', file, key: null, message: 'is not an object' });
  const pairs: [string, string][] = [];
  for (const [key, v] of value.members) {
    if (v.t !== 'str') return E.left({ kind: 'bad-metadata', file, key, message: `is ${describe(v)}, not a string` });
    pairs.push([key, v.v]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
  return E.right(Object.fromEntries(pairs));
}

/** Checks one entry in isolation: keys, dtype, shape, offsets, and that the size matches the shape. */
function readEntry(
  name: string,
  value: Json,
  bufferLength: number,
  file: string,
): E.Either<SafetensorsError, TensorInfo> {
  const bad = (message: string): E.Either<SafetensorsError, TensorInfo> =>
    E.left({ kind: 'bad-entry', file, tensor: name, message });
  if (value.t !== 'obj') return bad(`is ${describe(value)}, not an object`);
  for (const key of value.members.keys()) {
    if (!ENTRY_KEYS.includes(key)) return bad(`has unexpected key ${JSON.stringify(key)}`);
  }
  for (const key of ENTRY_KEYS) {
    if (!value.members.has(key)) return bad(`is missing key ${JSON.stringify(key)}`);
  }
  const dtype = value.members.get('dtype')!;
  const shape = value.members.get('shape')!;
  const offsets = value.members.get('data_offsets')!;
  if (dtype.t !== 'str') return bad(`dtype is ${describe(dtype)}, not a string`);
  if (!isSafeDType(dtype.v)) return E.left({ kind: 'unknown-dtype', file, tensor: name, dtype: dtype.v });
  if (shape.t !== 'arr') {
    return E.left({ kind: 'bad-shape', file, tensor: name, message: `shape is ${describe(shape)}, not an array` });
  }
  const dims: number[] = [];
  for (const [axis, d] of shape.items.entries()) {
    if (!isIndex(d)) {
      const message = `shape[${axis}] is ${describe(d)}, not a non-negative safe integer`;
      return E.left({ kind: 'bad-shape', file, tensor: name, message });
    }
    if (d.v > MAX_DIMENSION) {
      const message = `shape[${axis}] is ${d.v}, above the limit of ${MAX_DIMENSION} (2^32)`;
      return E.left({ kind: 'bad-shape', file, tensor: name, message });
    }
    dims.push(d.v);
  }
  if (offsets.t !== 'arr' || offsets.items.length !== 2 || !offsets.items.every(isIndex)) {
    return bad('data_offsets is not a pair of non-negative safe integers');
  }
  const [begin, end] = offsets.items.map((o) => (o.t === 'num' ? o.v : Number.NaN)) as [number, number];
  const badOffsets = (message: string): E.Either<SafetensorsError, TensorInfo> =>
    E.left({ kind: 'bad-offsets', file, tensor: name, begin, end, bufferLength, message });
  if (begin > end) return badOffsets('begin after end');
  if (end > bufferLength) return badOffsets('run past the end of the buffer');
  const size = byteSize(dtype.v, dims);
  if (!size.ok && size.reason === 'overflow') {
    return E.left({ kind: 'overflow', file, tensor: name, dtype: dtype.v, shape: dims });
  }
  if (!size.ok) {
    const { elements, bits } = size;
    return E.left({ kind: 'misaligned', file, tensor: name, dtype: dtype.v, elements, bits });
  }
  if (size.bytes !== end - begin) {
    return E.left({
      kind: 'size-mismatch',
      file,
      tensor: name,
      dtype: dtype.v,
      shape: dims,
      expectedBytes: size.bytes,
      actualBytes: end - begin,
    });
  }
  return E.right({ name, dtype: dtype.v, shape: dims, begin, end });
}

/**
 * Sorts tensors by `[begin, end]` and checks that they tile `[0, bufferLength)`: each starts where the
 * previous one ended (`overlap` if earlier, `hole` if later) and the last ends at the buffer's end.
 * Zero-size tensors take no room and may sit at any boundary.
 */
export function checkLayout(
  tensors: readonly TensorInfo[],
  bufferLength: number,
  file: string,
): E.Either<SafetensorsError, readonly TensorInfo[]> {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let last: TensorInfo | null = null;
  for (const t of sorted) {
    if (t.begin < cursor && last !== null) {
      return E.left({ kind: 'overlap', file, tensor: t.name, begin: t.begin, other: last.name, otherEnd: last.end });
    }
    if (t.begin > cursor) {
      return E.left({ kind: 'hole', file, begin: cursor, end: t.begin, after: last?.name ?? null, before: t.name });
    }
    cursor = t.end;
    last = t;
  }
  if (cursor !== bufferLength) {
    return E.left({ kind: 'hole', file, begin: cursor, end: bufferLength, after: last?.name ?? null, before: null });
  }
  return E.right(sorted);
}

/**
 * Validates a parsed header for a byte buffer of `bufferLength` bytes. Rules, in order: the header is
 * an object; `__metadata__` (optional) maps strings to strings; every other key is a tensor whose value
 * has exactly `dtype`, `shape` and `data_offsets`, a known dtype, a shape of non-negative safe integers,
 * offsets `begin <= end <= bufferLength` with `end - begin == prod(shape) * bits / 8`; and the tensors
 * tile the buffer with no overlap and no hole (see {@link checkLayout}). Duplicate keys are rejected by
 * the JSON parser before this runs.
 */
export function validateHeader(json: Json, bufferLength: number, file: string): E.Either<SafetensorsError, Header> {
  if (json.t !== 'obj') {
    return E.left({ kind: 'bad-json', file, message: `header is ${describe(json)}, not an object`, position: 0 });
  }
  let metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, value] of json.members) {
    if (name === METADATA_KEY) {
      const m = readMetadata(value, file);
      if (E.isLeft(m)) return m;
      metadata = m.right;
      continue;
    }
    const t = readEntry(name, value, bufferLength, file);
    if (E.isLeft(t)) return t;
    tensors.push(t.right);
  }
  return E.map((sorted: readonly TensorInfo[]) => ({ tensors: sorted, metadata }))(
    checkLayout(tensors, bufferLength, file),
  );
}
