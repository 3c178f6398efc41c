/**
 * @file Trees of tensors to named safetensors entries and back. Model params and state share one
 * namespace (their tree paths, `layer1.0.bn1.running_mean` as in a torchvision state_dict), and int32
 * tensors are written as I64, PyTorch's dtype for integer buffers such as `num_batches_tracked`, so the
 * model file is a state_dict PyTorch loads as it is. Optimiser tensors are named `optimizer.<path>` and go
 * to a file of their own; the optimiser's other leaves (step counts) travel in the metadata.
 */
import { type DType, type Tensor, tensor, treeFlatten, treePaths, treeUnflatten } from '@tapenet/autodiff';
import { convertEntry, int64Entry } from '../safetensors/convert.js';
import { fromTypedArray, type SafeDType, type SafetensorsEntry } from '../safetensors/index.js';
import type { Difference } from './errors.js';
import type { JsonValue } from './json.js';

/** The prefix of optimiser-state tensor names. */
export const OPTIMIZER_PREFIX = 'optimizer';

/** The dtype a tapenet dtype is written as. */
const TO_SAFE: { readonly [D in DType]: SafeDType } = { float32: 'F32', float64: 'F64', int32: 'I64' };
/** The dtypes a checkpoint may hold for each tapenet dtype: as written, and int32 as files before I64 held it. */
const STORED_AS: { readonly [D in DType]: readonly SafeDType[] } = {
  float32: ['F32'],
  float64: ['F64'],
  int32: ['I64', 'I32'],
};

const isTensorLeaf = (x: unknown): x is Tensor =>
  typeof x === 'object' && x !== null && 'shape' in x && 'dtype' in x && typeof (x as Tensor).data === 'function';

/** A model or optimiser tensor as a safetensors entry (int32 as I64). */
const entryOf = (name: string, t: Tensor): SafetensorsEntry => {
  const data = t.data();
  return data instanceof Int32Array ? int64Entry(name, t.shape, data) : fromTypedArray(name, t.shape, data);
};

const optimizerName = (path: string): string => (path === '' ? OPTIMIZER_PREFIX : `${OPTIMIZER_PREFIX}.${path}`);

/** The trees a checkpoint holds. */
export type CheckpointTrees<P, S, O> = { readonly params: P; readonly state: S; readonly optState?: O };

/** Named tensors of a model tree; throws if a non-tensor leaf or an unnamed (root) tensor is found. */
function modelTensors(tree: unknown, what: 'params' | 'state'): [string, Tensor][] {
  return treePaths(tree).map(([path, leaf]): [string, Tensor] => {
    if (!isTensorLeaf(leaf)) throw new TypeError(`checkpoint: ${what} leaf "${path}" is not a tensor`);
    if (path === '') throw new TypeError(`checkpoint: ${what} must be a tree with named leaves, not a bare tensor`);
    if (path === OPTIMIZER_PREFIX || path.startsWith(`${OPTIMIZER_PREFIX}.`)) {
      throw new TypeError(`checkpoint: ${what} leaf "${path}" uses the reserved prefix "${OPTIMIZER_PREFIX}"`);
    }
    return [path, leaf];
  });
}

/** What a checkpoint's trees become: the model file's entries, and the optimiser's (null without optState). */
export type EncodedTrees = {
  readonly model: SafetensorsEntry[];
  readonly optimizer: SafetensorsEntry[] | null;
  readonly optimizerLeaves: Record<string, JsonValue> | null;
};

/**
 * The safetensors entries of `trees`: the model's (params and state), the optimiser's tensors, and its
 * non-tensor leaves (by path).
 * @throws TypeError when params and state share a name or a model leaf is not a tensor.
 */
export function encodeTrees<P, S, O>(trees: CheckpointTrees<P, S, O>): EncodedTrees {
  const named = [...modelTensors(trees.params, 'params'), ...modelTensors(trees.state, 'state')];
  const seen = new Set<string>();
  for (const [name] of named) {
    if (seen.has(name)) throw new TypeError(`checkpoint: params and state both have a leaf named "${name}"`);
    seen.add(name);
  }
  let optimizerLeaves: Record<string, JsonValue> | null = null;
  let optimizer: SafetensorsEntry[] | null = null;
  if (trees.optState !== undefined) {
    optimizerLeaves = {};
    optimizer = [];
    for (const [path, leaf] of treePaths(trees.optState)) {
      if (isTensorLeaf(leaf)) optimizer.push(entryOf(optimizerName(path), leaf));
      else if (leaf === null || typeof leaf === 'number' || typeof leaf === 'string' || typeof leaf === 'boolean') {
        if (typeof leaf === 'number' && !Number.isFinite(leaf)) {
          throw new TypeError(`checkpoint: optimizer state leaf "${path}" is ${leaf}, not a finite number`);
        }
        optimizerLeaves[path] = leaf;
      } else throw new TypeError(`checkpoint: optimizer state leaf "${path}" is neither a tensor nor a number`);
    }
  }
  return { model: named.map(([name, t]) => entryOf(name, t)), optimizer, optimizerLeaves };
}

type Expected = { readonly name: string; readonly dtype: DType; readonly shape: readonly number[] };

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** Compares the expected tensors with the file's, listing every difference (expected order, then extras). */
export function diffTensors(
  expected: readonly Expected[],
  tensors: ReadonlyMap<string, SafetensorsEntry>,
  ignorePrefix: string | null,
): Difference[] {
  const out: Difference[] = [];
  const wanted = new Set(expected.map((e) => e.name));
  for (const e of expected) {
    const entry = tensors.get(e.name);
    const dtype = TO_SAFE[e.dtype];
    if (entry === undefined) out.push({ kind: 'missing', name: e.name, dtype, shape: e.shape });
    else if (!STORED_AS[e.dtype].includes(entry.dtype)) {
      out.push({ kind: 'dtype', name: e.name, expected: dtype, actual: entry.dtype });
    } else if (!sameShape(entry.shape, e.shape)) {
      out.push({ kind: 'shape', name: e.name, expected: e.shape, actual: entry.shape });
    }
  }
  for (const [name, entry] of tensors) {
    const ignored = ignorePrefix !== null && (name === ignorePrefix || name.startsWith(`${ignorePrefix}.`));
    if (!wanted.has(name) && !ignored) {
      out.push({ kind: 'unexpected', name, dtype: entry.dtype, shape: entry.shape });
    }
  }
  return out;
}

/** A fresh tensor of `dtype` (never a view of the file buffer) from an entry `diffTensors` accepted. */
export function toTensor(entry: SafetensorsEntry, dtype: DType): Tensor {
  const converted = convertEntry(entry, dtype);
  if (!converted.ok) {
    throw new RangeError(`${entry.name}: value ${converted.value} at flat index ${converted.index} does not fit int32`);
  }
  return tensor(converted.data, { shape: entry.shape, dtype });
}

/** The expected tensors of a tree under a naming function. */
const expectedOf = (tree: unknown, name: (path: string) => string): Expected[] =>
  treePaths(tree)
    .filter(([, leaf]) => isTensorLeaf(leaf))
    .map(([path, leaf]) => ({ name: name(path), dtype: (leaf as Tensor).dtype, shape: (leaf as Tensor).shape }));

/** Rebuilds a tree like `template` with its tensor leaves from `tensors` and other leaves from `leaves`. */
function rebuild(
  template: unknown,
  tensors: ReadonlyMap<string, SafetensorsEntry>,
  name: (path: string) => string,
  leaves: Readonly<Record<string, JsonValue>>,
): unknown {
  const { def } = treeFlatten(template);
  const values = treePaths(template).map(([path, leaf]) =>
    isTensorLeaf(leaf) ? toTensor(tensors.get(name(path))!, leaf.dtype) : leaves[path],
  );
  return treeUnflatten(def, values);
}

/** The optimiser part of a checkpoint as read: its tensors (named `optimizer.<path>`) and non-tensor leaves. */
export type OptimizerPart = {
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  readonly leaves: Readonly<Record<string, JsonValue>>;
};

/**
 * Validates the model file's tensors (and, when the template has `optState`, the optimiser part) against
 * the template trees: every name, dtype and shape, optimiser non-tensor leaves by path and type. Then
 * rebuilds the trees. `optimizer` is a string saying why there is none when none was read. Tensors named
 * `optimizer.*` in the model file (the layout before optimiser files) are never unexpected there.
 */
export function decodeTrees<P, S, O>(
  template: CheckpointTrees<P, S, O>,
  model: ReadonlyMap<string, SafetensorsEntry>,
  optimizer: OptimizerPart | string,
): { ok: true; trees: CheckpointTrees<P, S, O> } | { ok: false; differences: Difference[] } {
  const id = (p: string): string => p;
  const expected = [...expectedOf(template.params, id), ...expectedOf(template.state, id)];
  const differences = diffTensors(expected, model, OPTIMIZER_PREFIX);
  const withOpt = template.optState !== undefined;
  if (withOpt && typeof optimizer === 'string') {
    differences.push({ kind: 'leaf', name: OPTIMIZER_PREFIX, message: optimizer });
  } else if (withOpt && typeof optimizer !== 'string') {
    differences.push(...diffTensors(expectedOf(template.optState, optimizerName), optimizer.tensors, null));
    for (const [path, leaf] of treePaths(template.optState)) {
      if (isTensorLeaf(leaf)) continue;
      const stored = optimizer.leaves[path];
      if (stored === undefined || typeof stored !== typeof leaf || (leaf === null) !== (stored === null)) {
        const message = `optimizer state leaf is ${stored === undefined ? 'missing' : JSON.stringify(stored)} in the file, the model expects a ${leaf === null ? 'null' : typeof leaf}`;
        differences.push({ kind: 'leaf', name: optimizerName(path), message });
      }
    }
  }
  if (differences.length > 0) return { ok: false, differences };
  const part = optimizer as OptimizerPart;
  const trees = {
    params: rebuild(template.params, model, id, {}) as P,
    state: rebuild(template.state, model, id, {}) as S,
    ...(withOpt ? { optState: rebuild(template.optState, part.tensors, optimizerName, part.leaves) as O } : {}),
  };
  return { ok: true, trees };
}
