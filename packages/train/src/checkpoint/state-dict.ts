/**
 * @file Loading weights by name from any safetensors file: one written by PyTorch
 * (`safetensors.torch.save_file(model.state_dict(), ...)`, metadata absent or `{"format": "pt"}`) or a
 * tapenet checkpoint (verified by its checksum first). Like `torch.nn.Module.load_state_dict`: strict
 * mode refuses any missing key, unexpected key or mismatch, listing every one by name; non-strict mode
 * loads what matches and reports the rest (the fine-tuning case: a backbone without its head). Float
 * tensors convert to the model's dtype, integer buffers to int32 when their values fit.
 */
import { type DType, type Tensor, tensor, treeFlatten, treePaths, treeUnflatten } from '@tapenet/autodiff';
import * as E from 'fp-ts/lib/Either.js';
import { canLoad, convertEntry } from '../safetensors/convert.js';
import { type ParsedSafetensors, readSafetensorsFile, type SafetensorsEntry } from '../safetensors/index.js';
import { type CheckpointError, CheckpointException, type Difference } from './errors.js';
import { verifyCheckpoint } from './io.js';
import { isCheckpointFormat } from './metadata.js';
import { OPTIMIZER_PREFIX } from './tensors.js';

/** The trees to load into: a model's `init` result (its params and state give the names, dtypes and shapes). */
export type StateDictTemplate<P, S> = { readonly params: P; readonly state: S };

/** Options of {@link loadStateDict}. */
export type LoadStateDictOptions = {
  /** Refuse unless every key matches both ways, as PyTorch's default (default true). */
  readonly strict?: boolean;
};

/** What did not load: keys the model has and the file lacks, keys only the file has, and mismatches. */
export type StateDictReport = {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  /** Same key, different shape, or a dtype that cannot convert (e.g. an integer file tensor for a float param). */
  readonly mismatched: readonly Difference[];
};

/** The trees with every matching tensor loaded (the template's tensor kept elsewhere), and the report. */
export type LoadedStateDict<P, S> = StateDictTemplate<P, S> &
  StateDictReport & {
    /** The keys loaded from the file, in the template's order. */
    readonly loaded: readonly string[];
  };

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const isTensorLeaf = (x: unknown): x is Tensor =>
  typeof x === 'object' && x !== null && 'shape' in x && 'dtype' in x && typeof (x as Tensor).data === 'function';

/** The template's tensors by key (params, then state), refusing a non-tensor leaf or a key in both. */
function templateTensors(template: StateDictTemplate<unknown, unknown>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const what of ['params', 'state'] as const) {
    for (const [path, leaf] of treePaths(template[what])) {
      if (!isTensorLeaf(leaf)) throw new TypeError(`loadStateDict: template ${what} leaf "${path}" is not a tensor`);
      if (path === '') throw new TypeError(`loadStateDict: template ${what} must be a tree with named leaves`);
      if (out.has(path)) throw new TypeError(`loadStateDict: params and state both have a leaf named "${path}"`);
      out.set(path, leaf);
    }
  }
  return out;
}

/** Rebuilds a template tree with `replacements` at their paths. */
function rebuild(tree: unknown, replacements: ReadonlyMap<string, Tensor>): unknown {
  const { def } = treeFlatten(tree);
  return treeUnflatten(
    def,
    treePaths(tree).map(([path, leaf]) => replacements.get(path) ?? leaf),
  );
}

/**
 * Matches a parsed safetensors file against `template` by key and loads it. `file` names the file in
 * errors. An integer value that does not fit int32 is an error in either mode (nothing sensible loads).
 */
export function restoreStateDict<P, S>(
  parsed: ParsedSafetensors,
  template: StateDictTemplate<P, S>,
  file: string,
  options: LoadStateDictOptions = {},
): E.Either<CheckpointError, LoadedStateDict<P, S>> {
  const strict = options.strict ?? true;
  const expected = templateTensors(template);
  // A tapenet checkpoint written before optimiser files holds optimiser tensors: they are no part of the model.
  const ownFile = isCheckpointFormat(parsed.metadata.format);
  const tensors = [...parsed.tensors].filter(
    ([name]) => !(ownFile && (name === OPTIMIZER_PREFIX || name.startsWith(`${OPTIMIZER_PREFIX}.`))),
  );
  const byName = new Map<string, SafetensorsEntry>(tensors);
  const missing: string[] = [];
  const mismatched: Difference[] = [];
  const accepted: [string, SafetensorsEntry, DType][] = [];
  for (const [name, t] of expected) {
    const entry = byName.get(name);
    if (entry === undefined) missing.push(name);
    else if (!canLoad(entry.dtype, t.dtype)) {
      mismatched.push({ kind: 'dtype', name, expected: t.dtype, actual: entry.dtype });
    } else if (!sameShape(entry.shape, t.shape)) {
      mismatched.push({ kind: 'shape', name, expected: t.shape, actual: entry.shape });
    } else accepted.push([name, entry, t.dtype]);
  }
  const unexpected = [...byName.keys()].filter((name) => !expected.has(name));
  if (strict && missing.length + unexpected.length + mismatched.length > 0) {
    return E.left({ kind: 'state-dict', file, missing, unexpected, mismatched });
  }
  const replacements = new Map<string, Tensor>();
  for (const [name, entry, dtype] of accepted) {
    const converted = convertEntry(entry, dtype);
    if (!converted.ok) {
      const message = `"${name}" (${entry.dtype} ${shapeText(entry.shape)}) holds ${converted.value} at flat index ${converted.index}, which does not fit the model's int32`;
      return E.left({ kind: 'bad-value', file, name, message });
    }
    replacements.set(name, tensor(converted.data, { shape: entry.shape, dtype }));
  }
  return E.right({
    params: rebuild(template.params, replacements) as P,
    state: rebuild(template.state, replacements) as S,
    loaded: accepted.map(([name]) => name),
    missing,
    unexpected,
    mismatched,
  });
}

/**
 * Loads weights by name from a safetensors file into a model's trees: any file PyTorch's
 * `safetensors.torch.save_file` wrote (F32, F64, F16, BF16 converted to the model's dtype; I64 and I32
 * integer buffers to int32 when they fit), or a tapenet checkpoint (its checksum verified first). Strict
 * mode (the default) fails with one error listing every missing key, unexpected key and mismatch;
 * `{ strict: false }` loads what matches and returns those lists.
 * @example
 * const model = zoo.get('resnet18');
 * const init = model.init(key(0), [3, 224, 224]);
 * const { params, state } = await loadStateDictOrThrow('resnet18.safetensors', init);
 */
export async function loadStateDict<P, S>(
  path: string,
  template: StateDictTemplate<P, S>,
  options: LoadStateDictOptions = {},
): Promise<E.Either<CheckpointError, LoadedStateDict<P, S>>> {
  const parsed = await readSafetensorsFile(path);
  if (E.isLeft(parsed)) return E.left({ kind: 'safetensors', file: path, error: parsed.left });
  if (isCheckpointFormat(parsed.right.metadata.format)) {
    const verified = verifyCheckpoint(parsed.right, path);
    if (E.isLeft(verified)) return verified;
  }
  return restoreStateDict(parsed.right, template, path, options);
}

/** {@link loadStateDict}, rejecting with a `CheckpointException`. */
export async function loadStateDictOrThrow<P, S>(
  path: string,
  template: StateDictTemplate<P, S>,
  options: LoadStateDictOptions = {},
): Promise<LoadedStateDict<P, S>> {
  const r = await loadStateDict(path, template, options);
  if (E.isLeft(r)) throw new CheckpointException(r.left);
  return r.right;
}
