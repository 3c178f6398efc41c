/**
 * @file Types shared by the model files: the `Model` every constructor returns, the registry's
 * `ModelInfo`, torchvision's initialisers, and the error thrown for an invalid configuration.
 */
import { fmt, isTensor, type Shape, ShapeError, type Tensor } from '@tapenet/autodiff';
import { type AnyLayer, type Initializer, heNormal, initializers, type Layer, normal } from '@tapenet/layers';

/**
 * A model's params or state: a record keyed by torchvision's module names whose values are tensors,
 * records, or lists of tensors and records (`serial`'s children), nested to any depth; `treePaths` gives
 * the `state_dict` keys. A layer without params or state has an empty record there. (An interface rather
 * than autodiff's `Tree<Tensor>` alias: TypeScript expands an interface lazily, so `Grads<ModelParams>`
 * stays finite.)
 */
export interface TensorRecord {
  readonly [name: string]: TensorTree;
}
/** A tree of tensors as zoo models hold them: a tensor, a record, or a list of tensors and records. */
export type TensorTree = Tensor | TensorRecord | readonly (Tensor | TensorRecord)[];
/** The params of a zoo model. */
export type ModelParams = TensorRecord;
/** The state of a zoo model (batch norm's running statistics). */
export type ModelState = TensorRecord;

/**
 * A zoo model: a layer from `@tapenet/layers` taking `[N, C, H, W]` images to `[N, numClasses]` logits.
 * Its params and state are `TensorRecord`s, so what `init` returns feeds `apply`, `treePaths`, optimisers
 * and checkpoints as it is, with no cast; `stateDictShapes` lists its keys and shapes without allocating
 * anything. Read one tensor by its key with `paramAt(params, 'fc.weight')`.
 * @example
 * const net = lenet5();
 * const { params, state } = net.init(key(0), [1, 28, 28]);
 * const { y } = net.apply(params, state, x, { train: false });
 */
export type Model<P = ModelParams, S = ModelState> = Layer<P, S>;

/**
 * The tensor at dotted path `path` (a `state_dict` key such as `layer1.0.conv1.weight`) of a params or
 * state tree; throws a `RangeError` naming the path when there is no tensor there.
 * @example const w = paramAt(params, 'conv1.weight'); // Tensor [6, 1, 5, 5]
 */
export function paramAt(tree: TensorTree, path: string): Tensor {
  let at: unknown = tree;
  for (const part of path.split('.')) {
    at = typeof at === 'object' && at !== null && !isTensor(at) ? (at as Record<string, unknown>)[part] : undefined;
  }
  if (!isTensor(at)) throw new RangeError(`paramAt: no tensor at '${path}'`);
  return at;
}

/** Per-channel input normalisation: `x' = (x − mean[c]) / std[c]` on images scaled to [0, 1]. */
export type Preprocessing = { readonly mean: readonly number[]; readonly std: readonly number[] };

/** What the registry (`zoo.list()`) tells about a model. */
export type ModelInfo = {
  /** The registry name, e.g. `resnet18`. */
  readonly name: string;
  readonly description: string;
  /** The documented per-example input shape `[C, H, W]`. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly preprocessing: Preprocessing;
  /** The paper (and table) the architecture follows. */
  readonly citation: string;
};

/** A model configuration was invalid (unknown depth, non-positive width, ...). */
export class ZooConfigError extends Error {
  constructor(model: string, detail: string) {
    super(`${model}: ${detail}`);
    this.name = 'ZooConfigError';
  }
}

/** Throws a `ZooConfigError` unless `v` is an integer ≥ `min`. */
export function checkInt(model: string, arg: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new ZooConfigError(model, `${arg} = ${v} must be an integer ≥ ${min}`);
}

/** Throws a `ZooConfigError` unless `v` is a finite number > 0. */
export function checkPositive(model: string, arg: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ZooConfigError(model, `${arg} = ${v} must be a positive number`);
}

/** Throws a `ZooConfigError` unless `p` is a probability in [0, 1). */
export function checkProbability(model: string, arg: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw new ZooConfigError(model, `${arg} = ${p} must lie in [0, 1)`);
}

/** torchvision's conv init for VGG and ResNet: `kaiming_normal_(mode='fan_out', nonlinearity='relu')`, bias 0. */
export const kaimingConv: { readonly weight: Initializer; readonly bias: Initializer } = {
  weight: heNormal({ mode: 'fan_out', nonlinearity: 'relu' }),
  bias: initializers.zeros,
};

/** torchvision's VGG linear init: `normal_(0, 0.01)`, bias 0. */
export const vggLinear: { readonly weight: Initializer; readonly bias: Initializer } = {
  weight: normal({ std: 0.01 }),
  bias: initializers.zeros,
};

/** A channel count scaled by a width multiplier, at least 1. */
export const scaled = (channels: number, width: number): number => Math.max(1, Math.round(channels * width));

/** torchvision's ImageNet normalisation constants (RGB). */
export const IMAGENET: Preprocessing = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
/** CIFAR-10 per-channel training-set mean and standard deviation (RGB). */
export const CIFAR10: Preprocessing = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
/** MNIST training-set mean and standard deviation (one channel). */
export const MNIST: Preprocessing = { mean: [0.1307], std: [0.3081] };

/**
 * Forgets a layer's precise params/state types, giving the plain `Model`. The params and state of
 * every zoo model are records of tensors; the cast only widens them for callers.
 */
export const asModel = (layer: AnyLayer): Model => layer as unknown as Model;

/**
 * `layer` refusing inputs whose channel count is not `inChannels` (a `ShapeError` naming the model), so
 * a model built for RGB fails clearly on grey images. Params, state, keys and `children` are the layer's
 * own, and `ctx` reaches it unchanged, so `intermediates` sees inside the wrapped model.
 */
export function withInChannels(model: string, inChannels: number, layer: Layer<unknown, unknown>): Model {
  const check = (inShape: Shape | readonly Shape[]): void => {
    const c = inShape[0];
    if (inShape.length !== 3 || typeof c !== 'number')
      throw new ShapeError(model, 'inShape', `must be one [C, H, W] image shape (batch dim excluded)`);
    if (c !== inChannels)
      throw new ShapeError(
        model,
        'inShape',
        `${fmt(inShape as Shape)} has ${c} channels but the model was built for ${inChannels} input channels`,
      );
  };
  const wrapped: Layer<unknown, unknown> = {
    describe: (inShape) => {
      check(inShape);
      return layer.describe(inShape);
    },
    init: (key, inShape, opts) => {
      check(inShape);
      return layer.init(key, inShape, opts);
    },
    apply: (params, state, x, ctx) => {
      check(x.shape.slice(1));
      return layer.apply(params, state, x, ctx);
    },
    ...(layer.children === undefined ? {} : { children: layer.children }),
  };
  return asModel(wrapped);
}
