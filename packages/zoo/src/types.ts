/**
 * @file Types shared by the model files: the `Model` every constructor returns, the registry's
 * `ModelInfo`, torchvision's initialisers, and the error thrown for an invalid configuration.
 */
import { fmt, type Shape, ShapeError } from '@tapenet/autodiff';
import { type AnyLayer, type Initializer, heNormal, type Layer, normal, zeros } from '@tapenet/layers';

/**
 * A zoo model: a layer from `@tapenet/layers` taking `[N, C, H, W]` images to `[N, numClasses]` logits.
 * Its params and state are plain records whose `treePaths` are torchvision's `state_dict` keys. The
 * type is the plain `Layer`, so a model fits wherever a layer is expected; `stateDictShapes` lists its
 * keys and shapes without allocating anything.
 */
export type Model = Layer;

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
  bias: zeros,
};

/** torchvision's VGG linear init: `normal_(0, 0.01)`, bias 0. */
export const vggLinear: { readonly weight: Initializer; readonly bias: Initializer } = {
  weight: normal({ std: 0.01 }),
  bias: zeros,
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
