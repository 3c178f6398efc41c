/** @file Zoo models for the CLI: building one for a dataset's input, and finding its first-layer filters. */
import { type Tensor, treePaths } from '@tapenet/autodiff';
import type { Layer } from '@tapenet/layers';
import { zoo } from '@tapenet/zoo';
import { UsageError } from './command.js';

/** The configuration recorded in checkpoints; `zoo.get(name, config)` rebuilds the model. */
export type ModelConfig = { readonly numClasses: number; readonly inChannels: number };

/** Builds zoo model `name` for inputs of `shape` and `numClasses` classes, checking that it fits. */
export function buildModel(name: string, shape: readonly number[], numClasses: number): Layer<unknown, unknown> {
  const names = zoo.list().map((m) => m.name);
  if (!names.includes(name)) {
    throw new UsageError(
      `unknown model '${name}'; run 'tapenet models' for the list (${names.slice(0, 6).join(', ')}, ...)`,
    );
  }
  const model = zoo.get(name, { numClasses, inChannels: shape[0]! }) as Layer<unknown, unknown>;
  try {
    model.describe(shape);
  } catch (e) {
    throw new Error(`model ${name} does not fit inputs of shape [${shape.join(', ')}]: ${(e as Error).message}`);
  }
  return model;
}

/**
 * The first layer's convolution weight (OIHW) for the filters picture: the 4-D weight whose input channels
 * equal the image's, taking the earliest in the model's own layer order; undefined when there is none (MLP).
 */
export function firstConvWeight(
  model: Layer<unknown, unknown>,
  params: unknown,
  inChannels: number,
  shape: readonly number[],
): Tensor | undefined {
  const candidates = treePaths(params).filter((e): e is [string, Tensor] => {
    const t = e[1] as Tensor;
    return e[0].endsWith('weight') && t?.shape?.length === 4 && t.shape[1] === inChannels;
  });
  if (candidates.length <= 1) return candidates[0]?.[1];
  // Several candidates (e.g. a downsample conv reading the input): prefer the layer described first.
  const order = describeOrder(model, shape);
  candidates.sort(([a], [b]) => rank(order, a) - rank(order, b));
  return candidates[0]![1];
}

const rank = (order: string[], path: string): number => {
  const i = order.findIndex((p) => path.startsWith(`${p}.`));
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
};

function describeOrder(model: Layer<unknown, unknown>, shape: readonly number[]): string[] {
  const out: string[] = [];
  const walk = (info: ReturnType<typeof model.describe>, prefix: string) => {
    for (const c of info.children ?? []) {
      const path = prefix === '' ? c.name : `${prefix}.${c.name}`;
      out.push(path);
      walk(c.info, path);
    }
  };
  walk(model.describe(shape), '');
  return out;
}
