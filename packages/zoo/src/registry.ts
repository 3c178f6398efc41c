/**
 * @file The model registry: `zoo.get(name, opts)` builds a model by name, `zoo.list()` tells each one's
 * input shape, preprocessing and citation.
 */
import { alexnet } from './alexnet.js';
import { cifarResnet } from './cifar-resnet.js';
import { lenet5 } from './lenet.js';
import { mlp } from './mlp.js';
import { resnet } from './resnet.js';
import { CIFAR10, IMAGENET, MNIST, type Model, type ModelInfo, ZooConfigError } from './types.js';
import { vgg } from './vgg.js';

/** Options every registry entry accepts (each model ignores the ones that do not apply). */
export type ZooOptions = {
  /** Output classes (default: the entry's). */
  readonly numClasses?: number;
  /** Input channels (default: the entry's). */
  readonly inChannels?: number;
};

type Entry = ModelInfo & { readonly build: (numClasses: number, inChannels: number) => Model };

const LECUN98 =
  'LeCun, Bottou, Bengio, Haffner. Gradient-based learning applied to document recognition. Proc. IEEE 86(11), 1998 (section II-B, Fig. 2, Table I)';

const ALEXNET =
  'Krizhevsky, Sutskever, Hinton. ImageNet classification with deep convolutional neural networks. NeurIPS 2012 (section 3.5, Fig. 2); single-tower form of Krizhevsky, One weird trick for parallelizing convolutional neural networks, arXiv:1404.5997 (torchvision)';
const VGG =
  'Simonyan, Zisserman. Very deep convolutional networks for large-scale image recognition. ICLR 2015, arXiv:1409.1556 (Table 1)';
const RESNET = 'He, Zhang, Ren, Sun. Deep residual learning for image recognition. CVPR 2016, arXiv:1512.03385';
const BN = '; batch norm: Ioffe, Szegedy. Batch normalization. ICML 2015, arXiv:1502.03167';

const VGG_COLUMN = { 11: 'A', 13: 'B', 16: 'D', 19: 'E' } as const;
const vggEntries = ([11, 13, 16, 19] as const).flatMap((depth) =>
  [false, true].flatMap((batchNorm): Entry[] => {
    const name = `vgg${depth}${batchNorm ? '_bn' : ''}`;
    const what = `VGG-${depth} (configuration ${VGG_COLUMN[depth]})${batchNorm ? ' with batch norm' : ''}`;
    const citation = `${VGG}${batchNorm ? BN : ''}`;
    return [
      {
        name,
        description: `${what}, torchvision's ImageNet model`,
        inputShape: [3, 224, 224],
        numClasses: 1000,
        preprocessing: IMAGENET,
        citation: `${citation}; torchvision.models.${name}`,
        build: (numClasses, inChannels) => vgg({ depth, batchNorm, numClasses, inChannels }),
      },
      {
        name: `${name}-cifar`,
        description: `${what}, CIFAR head: flatten and one linear layer 512 → classes`,
        inputShape: [3, 32, 32],
        numClasses: 10,
        preprocessing: CIFAR10,
        citation,
        build: (numClasses, inChannels) => vgg({ depth, batchNorm, head: 'cifar', numClasses, inChannels }),
      },
    ];
  }),
);

const resnetEntries = ([18, 34, 50, 101, 152] as const).map(
  (depth): Entry => ({
    name: `resnet${depth}`,
    description: `ResNet-${depth} (${depth < 50 ? 'basic' : 'bottleneck'} blocks), torchvision's ImageNet model`,
    inputShape: [3, 224, 224],
    numClasses: 1000,
    preprocessing: IMAGENET,
    citation: `${RESNET} (Table 1); torchvision.models.resnet${depth}`,
    build: (numClasses, inChannels) => resnet({ depth, numClasses, inChannels }),
  }),
);

const cifarResnetEntries = ([20, 32, 44, 56, 110] as const).map(
  (depth): Entry => ({
    name: `resnet${depth}`,
    description: `CIFAR ResNet-${depth}: 3 stages of ${(depth - 2) / 6} basic blocks at 16/32/64 channels, option-A shortcuts`,
    inputShape: [3, 32, 32],
    numClasses: 10,
    preprocessing: CIFAR10,
    citation: `${RESNET} (section 4.2, Table 6)`,
    build: (numClasses, inChannels) => cifarResnet({ depth, numClasses, inChannels }),
  }),
);

const entries: Entry[] = [
  {
    name: 'lenet5',
    description: 'LeNet-5, modern variant: ReLU, max pooling, 28x28 input with padding 2 (61,706 params)',
    inputShape: [1, 28, 28],
    numClasses: 10,
    preprocessing: MNIST,
    citation: `${LECUN98}; modern variant as in the PyTorch tutorials`,
    build: (numClasses, inChannels) => lenet5({ variant: 'modern', numClasses, inChannels }),
  },
  {
    name: 'lenet5-original',
    description:
      'LeNet-5 as published: 32x32 input, C3 connection table, trainable subsampling, scaled tanh, RBF output',
    inputShape: [1, 32, 32],
    numClasses: 10,
    preprocessing: MNIST,
    citation: LECUN98,
    build: (numClasses, inChannels) => lenet5({ variant: 'original', numClasses, inChannels }),
  },
  {
    name: 'mlp',
    description: 'Multilayer perceptron 784-512-512-10 (ReLU), a baseline for the CNNs',
    inputShape: [1, 28, 28],
    numClasses: 10,
    preprocessing: MNIST,
    citation: `${LECUN98}, section III-C (fully connected baselines)`,
    build: (numClasses) => mlp({ numClasses }),
  },
  {
    name: 'alexnet',
    description: "AlexNet, torchvision's single-tower ImageNet model (61,100,840 params)",
    inputShape: [3, 224, 224],
    numClasses: 1000,
    preprocessing: IMAGENET,
    citation: ALEXNET,
    build: (numClasses, inChannels) => alexnet({ numClasses, inChannels }),
  },
  {
    name: 'alexnet-cifar',
    description: 'AlexNet-style network for 32x32 images: 5x5/1 first conv, 3x3/2 pools, classifier 2304-1024-1024',
    inputShape: [3, 32, 32],
    numClasses: 10,
    preprocessing: CIFAR10,
    citation: ALEXNET,
    build: (numClasses, inChannels) => alexnet({ variant: 'cifar', numClasses, inChannels }),
  },
  ...vggEntries,
  ...resnetEntries,
  {
    name: 'resnet18-cifar',
    description: 'ResNet-18 with a CIFAR stem (3x3/1 conv, no max pool) for 32x32 images',
    inputShape: [3, 32, 32],
    numClasses: 10,
    preprocessing: CIFAR10,
    citation: `${RESNET} (Table 1), CIFAR stem as in the common PyTorch CIFAR ports`,
    build: (numClasses, inChannels) => resnet({ depth: 18, stem: 'cifar', numClasses, inChannels }),
  },
  ...cifarResnetEntries,
];

const byName = new Map(entries.map((e) => [e.name, e]));

/** The information of every registered model, in a fixed order. */
const list = (): readonly ModelInfo[] =>
  entries.map(({ build: _build, ...info }) => ({ ...info, inputShape: [...info.inputShape] as const }));

/**
 * Builds the model registered as `name`, e.g. `zoo.get('resnet20', { numClasses: 10 })`. Throws a
 * `ZooConfigError` listing the valid names for an unknown one.
 */
function get(name: string, opts: ZooOptions = {}): Model {
  const e = byName.get(name);
  if (e === undefined)
    throw new ZooConfigError('zoo', `unknown model '${name}'; valid names: ${entries.map((x) => x.name).join(', ')}`);
  const inChannels = opts.inChannels ?? e.inputShape[0];
  return e.build(opts.numClasses ?? e.numClasses, inChannels);
}

/** The registry of the zoo's models: `zoo.get(name, opts)`, `zoo.list()`, `zoo.info(name)`. */
export const zoo: {
  readonly get: (name: string, opts?: ZooOptions) => Model;
  readonly list: () => readonly ModelInfo[];
  readonly info: (name: string) => ModelInfo;
} = {
  get,
  list,
  info: (name) => {
    const found = list().find((m) => m.name === name);
    if (found === undefined)
      throw new ZooConfigError('zoo', `unknown model '${name}'; valid names: ${entries.map((x) => x.name).join(', ')}`);
    return found;
  },
};
