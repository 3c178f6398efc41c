/**
 * @file VGG-11/13/16/19 (configurations A, B, D, E of Simonyan and Zisserman, "Very deep convolutional
 * networks for large-scale image recognition", ICLR 2015, arXiv:1409.1556, Table 1), with and without
 * batch norm, as torchvision.models.vgg (ImageNet head) or with a small CIFAR head.
 */
import {
  type AnyLayer,
  adaptiveAvgPool2d,
  batchNorm,
  conv2d,
  dense,
  dropout,
  flatten,
  maxPool2d,
  named,
  relu,
  serial,
} from '@tapenet/layers';
import {
  checkInt,
  checkPositive,
  checkProbability,
  kaimingConv,
  type Model,
  scaled,
  vggLinear,
  withInChannels,
  ZooConfigError,
} from './types.js';

/** The VGG depths and their Table 1 columns. */
export type VggDepth = 11 | 13 | 16 | 19;

/**
 * Table 1 of Simonyan and Zisserman: the conv widths (all 3x3, padding 1) of configurations A (11), B (13),
 * D (16) and E (19), with 'M' for a 2x2/2 max pool. Configuration C (1x1 convs) is not in torchvision.
 */
export const VGG_CONFIGS: { readonly [D in VggDepth]: readonly (number | 'M')[] } = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** Configuration of `vgg`. */
export type VggConfig = {
  /** 11, 13, 16 or 19 (default 16). */
  readonly depth?: number;
  /** Batch norm after every conv (torchvision's `vgg16_bn`); default false. */
  readonly batchNorm?: boolean;
  /**
   * 'imagenet' (default): adaptive average pool to 7x7, then `classifier` 25088 → 4096 → 4096 → numClasses
   * with ReLU and dropout (input `[3, 224, 224]`). 'cifar': flatten, then `classifier` one linear layer
   * 512 → numClasses (the common CIFAR VGG; input `[3, 32, 32]`).
   */
  readonly head?: 'imagenet' | 'cifar';
  /** Output classes (default 1000 for 'imagenet', 10 for 'cifar'). */
  readonly numClasses?: number;
  /** Input channels (default 3). */
  readonly inChannels?: number;
  /** Dropout probability in the ImageNet classifier (default 0.5). */
  readonly dropout?: number;
  /** Multiplies every width (convs and the ImageNet classifier's 4096); default 1. For small test networks. */
  readonly width?: number;
};

/**
 * VGG (Simonyan and Zisserman 2015, Table 1; torchvision.models.vgg11 … vgg19_bn). `features` is the conv
 * stack as one torch Sequential (conv, [bn], relu per conv; max pool per 'M'), so its keys are
 * torchvision's: VGG-16 `features.0.weight` … `features.28.bias`; with batch norm `features.1.running_mean`
 * … `features.41.*`. ImageNet head: `avgpool` (7x7), flatten, `classifier` Linear, ReLU, Dropout, Linear,
 * ReLU, Dropout, Linear (keys `classifier.0/3/6`). Params with 1000 classes: VGG-11 132,863,336
 * (BN 132,868,840), 13 133,047,848 (133,053,736), 16 138,357,544 (138,365,992), 19 143,667,240
 * (143,678,248). Init as torchvision: convs kaiming normal (fan_out, relu) with bias 0, BN 1 and 0,
 * linears N(0, 0.01) with bias 0.
 * @example vgg({ depth: 16 }).describe([3, 224, 224]).outShape // [1000]
 */
export function vgg(config: VggConfig = {}): Model {
  const { depth = 16, batchNorm: bn = false, head = 'imagenet', inChannels = 3, dropout: p = 0.5, width = 1 } = config;
  const numClasses = config.numClasses ?? (head === 'cifar' ? 10 : 1000);
  const cfg = VGG_CONFIGS[depth as VggDepth];
  if (cfg === undefined) throw new ZooConfigError('vgg', `unknown depth ${depth}; expected one of 11, 13, 16, 19`);
  if (head !== 'imagenet' && head !== 'cifar')
    throw new ZooConfigError('vgg', `unknown head '${String(head)}'; expected 'imagenet' or 'cifar'`);
  checkInt('vgg', 'numClasses', numClasses);
  checkInt('vgg', 'inChannels', inChannels);
  checkProbability('vgg', 'dropout', p);
  checkPositive('vgg', 'width', width);
  const features = cfg.flatMap((v): AnyLayer[] => {
    if (v === 'M') return [maxPool2d(2, { stride: 2 })];
    const conv = conv2d({ out: scaled(v, width), kernel: 3, padding: 1, init: kaimingConv });
    return bn ? [conv, batchNorm(), relu] : [conv, relu];
  }) as [AnyLayer, ...AnyLayer[]];
  const hidden = scaled(4096, width);
  const net =
    head === 'imagenet'
      ? named({
          features: serial(...features),
          avgpool: adaptiveAvgPool2d(7),
          flatten,
          classifier: serial(
            dense(hidden, { init: vggLinear }),
            relu,
            dropout(p),
            dense(hidden, { init: vggLinear }),
            relu,
            dropout(p),
            dense(numClasses, { init: vggLinear }),
          ),
        })
      : named({ features: serial(...features), flatten, classifier: dense(numClasses, { init: vggLinear }) });
  return withInChannels('vgg', inChannels, net);
}
