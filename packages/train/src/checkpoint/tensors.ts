/**
 * @file Trees of tensors to named safetensors entries and back. Model params and state share one
 * namespace (their tree paths, `layer1.0.bn1.running_mean` as in a torchvision state_dict); optimiser
 * tensors are named `optimizer.<path>`; the optimiser's other leaves (step counts) travel in the metadata.
 */
import { type DType, type Tensor, tensor, treeFlatten, treePaths, treeUnflatten } from '@tapenet/autodiff';
import { fromTypedArray, type SafetensorsEntry, toTypedArray, type TypedDType } from '../safetensors/index.js';
import type { Difference } from './errors.js';
import type { JsonValue } from './json.js';

/** The prefix of optimiser-state tensor names. */
export const OPTIMIZER_PREFIX = 'optimizer';

const TO_SAFE: { readonly [D in DType]: TypedDType } = { float32: 'F32', float64: 'F64', int32: 'I32' };
const FROM_SAFE: { readonly [D in TypedDType]: DType } = { F32: 'float32', F64: 'float64', I32: 'int32' };

const isTensorLeaf = (x: unknown): x is Tensor =>
  typeof x === 'object' && x !== null && 'shape' in x && 'dtype' in x && typeof (x as Tensor).data === 'function';

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

/**
 * The safetensors entries of `trees` and the optimiser's non-tensor leaves (by path).
 * @throws TypeError when params and state share a name or a model leaf is not a tensor.
 */
export function encodeTrees<P, S, O>(
  trees: CheckpointTrees<P, S, O>,
): { entries: SafetensorsEntry[]; optimizerLeaves: Record<string, JsonValue> | null } {
  const named = [...modelTensors(trees.params, 'params'), ...modelTensors(trees.state, 'state')];
  const seen = new Set<string>();
  for (const [name] of named) {
    if (seen.has(name)) throw new TypeError(`checkpoint: params and state both have a leaf named "${name}"`);
    seen.add(name);
  }
  let optimizerLeaves: Record<string, JsonValue> | null = null;
  if (trees.optState !== undefined) {
    optimizerLeaves = {};
    for (const [path, leaf] of treePaths(trees.optState)) {
      if (isTensorLeaf(leaf)) named.push([optimizerName(path), leaf]);
      else if (leaf === null || typeof leaf === 'number' || typeof leaf === 'string' || typeof leaf === 'boolean') {
        if (typeof leaf === 'number' && !Number.isFinite(leaf)) {
          throw new TypeError(`checkpoint: optimizer state leaf "${path}" is ${leaf}, not a finite number`);
        }
        optimizerLeaves[path] = leaf;
      } else throw new TypeError(`checkpoint: optimizer state leaf "${path}" is neither a tensor nor a number`);
    }
  }
  const entries = named.map(([name, t]) => fromTypedArray(name, t.shape, t.data()));
  return { entries, optimizerLeaves };
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
    else if (entry.dtype !== dtype) out.push({ kind: 'dtype', name: e.name, expected: dtype, actual: entry.dtype });
    else if (!sameShape(entry.shape, e.shape)) {
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

const toTensor = (entry: SafetensorsEntry): Tensor => {
  const dtype = entry.dtype as TypedDType;
  // A copy: the tensor must not alias the file buffer.
  const data = toTypedArray(entry, dtype).slice();
  return tensor(data, { shape: entry.shape, dtype: FROM_SAFE[dtype] });
};

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
    isTensorLeaf(leaf) ? toTensor(tensors.get(name(path))!) : leaves[path],
  );
  return treeUnflatten(def, values);
}

/**
 * Validates the file's tensors against the template trees (every name, dtype and shape; optimiser
 * non-tensor leaves by path and type) and rebuilds the trees. Optimiser tensors in the file are ignored
 * when the template has no `optState`.
 */
export function decodeTrees<P, S, O>(
  template: CheckpointTrees<P, S, O>,
  tensors: ReadonlyMap<string, SafetensorsEntry>,
  optimizerLeaves: Readonly<Record<string, JsonValue>> | null,
): { ok: true; trees: CheckpointTrees<P, S, O> } | { ok: false; differences: Difference[] } {
  const id = (p: string): string => p;
  const expected = [...expectedOf(template.params, id), ...expectedOf(template.state, id)];
  const withOpt = template.optState !== undefined;
  if (withOpt) expected.push(...expectedOf(template.optState, optimizerName));
  const differences = diffTensors(expected, tensors, withOpt ? null : OPTIMIZER_PREFIX);
  if (withOpt) {
    if (optimizerLeaves === null) {
      differences.push({ kind: 'leaf', name: OPTIMIZER_PREFIX, message: 'the file holds no optimizer state' });
    } else {
      for (const [path, leaf] of treePaths(template.optState)) {
        if (isTensorLeaf(leaf)) continue;
        const stored = optimizerLeaves[path];
        if (stored === undefined || typeof stored !== typeof leaf || (leaf === null) !== (stored === null)) {
          const message = `optimizer state leaf is ${stored === undefined ? 'missing' : JSON.stringify(stored)} in the file, the model expects a ${leaf === null ? 'null' : typeof leaf}`;
          differences.push({ kind: 'leaf', name: optimizerName(path), message });
        }
      }
    }
  }
  if (differences.length > 0) return { ok: false, differences };
  const trees = {
    params: rebuild(template.params, tensors, id, {}) as P,
    state: rebuild(template.state, tensors, id, {}) as S,
    ...(withOpt ? { optState: rebuild(template.optState, tensors, optimizerName, optimizerLeaves ?? {}) as O } : {}),
  };
  return { ok: true, trees };
}
