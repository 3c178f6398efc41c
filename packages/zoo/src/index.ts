/**
 * @file Public surface of @tapenet/zoo: classic architectures as pure layers (LeNet-5, an MLP baseline,
 * AlexNet, VGG, ResNet, CIFAR ResNet) with torchvision's parameter names, and the `zoo` registry.
 */
export { type AlexNetConfig, alexnet } from './alexnet.js';
export { type CifarResNetConfig, cifarResnet, zeroPadShortcut } from './cifar-resnet.js';
export { type LeNet5Config, lenet5 } from './lenet.js';
export {
  C3_TABLE,
  type PartialConvParams,
  partialConv2d,
  rbf,
  rbfCodes,
  type SubsamplingParams,
  subsampling,
} from './lenet-layers.js';
export { shapePaths, type StateDictEntry, stateDictShapes } from './state-dict.js';
export {
  CIFAR10,
  IMAGENET,
  MNIST,
  type Model,
  type ModelInfo,
  type ModelParams,
  type ModelState,
  type Preprocessing,
  paramAt,
  type TensorRecord,
  type TensorTree,
  ZooConfigError,
} from './types.js';
export { type MlpConfig, mlp } from './mlp.js';
export { type ZooOptions, zoo } from './registry.js';
export {
  type BlockKind,
  RESNET_LAYERS,
  type ResNetConfig,
  type ResNetDepth,
  resnet,
  resnetBlock,
  resnetStage,
} from './resnet.js';
export { VGG_CONFIGS, type VggConfig, type VggDepth, vgg } from './vgg.js';
