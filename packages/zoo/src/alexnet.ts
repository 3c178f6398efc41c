/**
 * @file AlexNet: Krizhevsky, Sutskever and Hinton, "ImageNet classification with deep convolutional neural
 * networks", NeurIPS 2012 (section 3.5, Fig. 2), in torchvision's single-tower form (Krizhevsky, "One weird
 * trick for parallelizing convolutional neural networks", arXiv:1404.5997, 2014), and a CIFAR-sized variant.
 */
import {
  type AnyLayer,
  adaptiveAvgPool2d,
  conv2d,
  dense,
  dropout,
  flatten,
  localResponseNorm,
  maxPool2d,
  named,
  relu,
  serial,
} from '@tapenet/layers';
import {
  checkInt,
  checkPositive,
  checkProbability,
  type Model,
  scaled,
  withInChannels,
  ZooConfigError,
} from './types.js';

/** Configuration of `alexnet`. */
export type AlexNetConfig = {
  /** 'imagenet' (default; input `[3, 224, 224]`) or 'cifar' (input `[3, 32, 32]`). */
  readonly variant?: 'imagenet' | 'cifar';
  /** Output classes (default 1000 for 'imagenet', 10 for 'cifar'). */
  readonly numClasses?: number;
  /** Input channels (default 3). */
  readonly inChannels?: number;
  /** Dropout probability before the first two classifier layers (default 0.5, as the paper). */
  readonly dropout?: number;
  /**
   * Local response normalisation after the first two ReLUs (size 5, α = 1e-4, β = 0.75, k = 2; the
   * paper's section 3.3). Default false (torchvision omits it). It has no parameters, so keys do not change.
   */
  readonly lrn?: boolean;
  /** Width of the two hidden classifier layers (default 4096 for 'imagenet', 1024 for 'cifar'). */
  readonly hidden?: number;
  /** Multiplies every conv width (default 1). For small test networks. */
  readonly width?: number;
};

/**
 * AlexNet. Keys as torchvision's: convs at `features.0/3/6/8/10`, linears at `classifier.1/4/6`.
 *
 * **'imagenet'** (torchvision.models.alexnet): conv 11x11/4 → 64 (padding 2), ReLU, max pool 3/2, conv 5x5 →
 * 192 (padding 2), ReLU, max pool, conv 3x3 → 384, ReLU, conv → 256, ReLU, conv → 256, ReLU, max pool,
 * `avgpool` (adaptive 6x6), flatten, `classifier`: Dropout, Linear 9216 → 4096, ReLU, Dropout, Linear 4096 →
 * 4096, ReLU, Linear 4096 → numClasses. 61,100,840 params with 1000 classes.
 *
 * **'cifar'** (32x32): the same layer sequence (so the same keys) with conv1 5x5/1 (padding 2) and 3x3/2
 * max pools (32 → 15 → 7 → 3), no adaptive pool, classifier 2304 → 1024 → 1024 → numClasses
 * (5,870,922 params with 10 classes; a cuda-convnet-sized AlexNet for CIFAR-10).
 *
 * Init is PyTorch's default for Conv2d and Linear, as torchvision's AlexNet.
 * @example alexnet().describe([3, 224, 224]).outShape // [1000]
 */
export function alexnet(config: AlexNetConfig = {}): Model {
  const { variant = 'imagenet', inChannels = 3, dropout: p = 0.5, lrn = false, width = 1 } = config;
  if (variant !== 'imagenet' && variant !== 'cifar')
    throw new ZooConfigError('alexnet', `unknown variant '${String(variant)}'; expected 'imagenet' or 'cifar'`);
  const imagenet = variant === 'imagenet';
  const numClasses = config.numClasses ?? (imagenet ? 1000 : 10);
  const hidden = config.hidden ?? (imagenet ? 4096 : 1024);
  checkInt('alexnet', 'numClasses', numClasses);
  checkInt('alexnet', 'inChannels', inChannels);
  checkInt('alexnet', 'hidden', hidden);
  checkProbability('alexnet', 'dropout', p);
  checkPositive('alexnet', 'width', width);
  const c = (n: number) => scaled(n, width);
  // ReLU followed by LRN, as one parameterless entry so the Sequential indices stay torchvision's
  const act = lrn ? serial(relu, localResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 })) : relu;
  const pool = maxPool2d(3, { stride: 2 });
  const features: AnyLayer = serial(
    imagenet
      ? conv2d({ out: c(64), kernel: 11, stride: 4, padding: 2 })
      : conv2d({ out: c(64), kernel: 5, padding: 2 }),
    act,
    pool,
    conv2d({ out: c(192), kernel: 5, padding: 2 }),
    act,
    pool,
    conv2d({ out: c(384), kernel: 3, padding: 1 }),
    relu,
    conv2d({ out: c(256), kernel: 3, padding: 1 }),
    relu,
    conv2d({ out: c(256), kernel: 3, padding: 1 }),
    relu,
    pool,
  );
  const classifier = serial(dropout(p), dense(hidden), relu, dropout(p), dense(hidden), relu, dense(numClasses));
  const net = imagenet
    ? named({ features, avgpool: adaptiveAvgPool2d(6), flatten, classifier })
    : named({ features, flatten, classifier });
  return withInChannels('alexnet', inChannels, net);
}
