/**
 * @file ResNet-18/34/50/101/152: He, Zhang, Ren and Sun, "Deep residual learning for image recognition",
 * CVPR 2016 (arXiv:1512.03385), Table 1, as implemented by torchvision.models.resnet (ResNet v1.5: the
 * stride of a downsampling bottleneck sits on its 3x3 conv), with torchvision's state_dict keys.
 */
import {
  type AnyLayer,
  batchNorm,
  conv2d,
  dense,
  globalAvgPool,
  initializers,
  type Layer,
  maxPool2d,
  named,
  relu,
  residual,
  serial,
} from '@tapenet/layers';
import { checkInt, kaimingConv, type Model, withInChannels, ZooConfigError } from './types.js';

/** The residual block kinds of He et al. 2015: two 3x3 convs ('basic') or 1x1-3x3-1x1 ('bottleneck', 4x expansion). */
export type BlockKind = 'basic' | 'bottleneck';

/** The depths of Table 1 of He et al. 2015. */
export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

/** Table 1 of He et al. 2015: block kind and blocks per stage (conv2_x … conv5_x) for each depth. */
export const RESNET_LAYERS: {
  readonly [D in ResNetDepth]: { readonly block: BlockKind; readonly layers: readonly number[] };
} = {
  18: { block: 'basic', layers: [2, 2, 2, 2] },
  34: { block: 'basic', layers: [3, 4, 6, 3] },
  50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
};

/** Configuration of `resnet`. */
export type ResNetConfig = {
  /** 18, 34, 50, 101 or 152 (default 18); ignored when `layers` is given. */
  readonly depth?: number;
  /** Blocks per stage, overriding `depth` (e.g. [1, 1, 1, 1] for a tiny test network); needs `block`. */
  readonly layers?: readonly number[];
  /** Block kind when `layers` is given (default 'basic'). */
  readonly block?: BlockKind;
  /** Output classes (default 1000). */
  readonly numClasses?: number;
  /** Input channels (default 3). */
  readonly inChannels?: number;
  /** Channels of the stem and the first stage (default 64, doubling each stage; bottlenecks output 4x). */
  readonly baseWidth?: number;
  /**
   * Zero-initialise the last BN's weight in each residual block, so each block starts as the identity
   * (torchvision's `zero_init_residual`; Goyal et al. 2017, section 5.1). Default false.
   */
  readonly zeroInitResidual?: boolean;
  /**
   * 'imagenet' (default): 7x7/2 conv, BN, ReLU, 3x3/2 max pool (Table 1). 'cifar': one 3x3/1 conv, BN, ReLU
   * and no max pool, the usual adaptation of the ImageNet ResNets to 32x32 inputs (keys unchanged).
   */
  readonly stem?: 'imagenet' | 'cifar';
};

const conv = (out: number, kernel: number, stride = 1): Layer<unknown, unknown> =>
  conv2d({ out, kernel, stride, padding: Math.floor(kernel / 2), bias: false, init: kaimingConv });

const bn = (zeroInit = false): Layer<unknown, unknown> =>
  batchNorm(zeroInit ? { init: { weight: initializers.zeros } } : {});

/** Projection shortcut (He et al. option B): 1x1 conv with the block's stride, then BN; keys `downsample.0/1`. */
const projection = (out: number, stride: number): Layer<unknown, unknown> => serial(conv(out, 1, stride), bn());

/**
 * One residual block as torchvision's `BasicBlock` / `Bottleneck`: keys `conv1`, `bn1`, `conv2`, `bn2`
 * (`conv3`, `bn3`), and `downsample.0`, `downsample.1` when the shape changes. `planes` is the block's
 * inner width; a bottleneck outputs `4·planes`.
 */
export function resnetBlock(
  kind: BlockKind,
  inPlanes: number,
  planes: number,
  stride: number,
  zeroInitResidual = false,
): Layer<unknown, unknown> {
  const outPlanes = kind === 'basic' ? planes : 4 * planes;
  const main =
    kind === 'basic'
      ? named({
          conv1: conv(planes, 3, stride),
          bn1: bn(),
          relu,
          conv2: conv(planes, 3),
          bn2: bn(zeroInitResidual),
        })
      : named({
          conv1: conv(planes, 1),
          bn1: bn(),
          relu1: relu,
          conv2: conv(planes, 3, stride),
          bn2: bn(),
          relu2: relu,
          conv3: conv(outPlanes, 1),
          bn3: bn(zeroInitResidual),
        });
  const needsProjection = stride !== 1 || inPlanes !== outPlanes;
  return needsProjection
    ? residual(main as Layer<Record<string, unknown>, Record<string, unknown>>, projection(outPlanes, stride), {
        activation: relu,
      })
    : residual(main as Layer<Record<string, unknown>, Record<string, unknown>>, undefined, { activation: relu });
}

/** A stage (`layer1` … `layer4`): `blocks` blocks, the first with `stride`; returns the stage and its output width. */
export function resnetStage(
  kind: BlockKind,
  inPlanes: number,
  planes: number,
  blocks: number,
  stride: number,
  zeroInitResidual = false,
): { readonly stage: AnyLayer; readonly outPlanes: number } {
  const outPlanes = kind === 'basic' ? planes : 4 * planes;
  const list = Array.from({ length: blocks }, (_, i) =>
    resnetBlock(kind, i === 0 ? inPlanes : outPlanes, planes, i === 0 ? stride : 1, zeroInitResidual),
  ) as [AnyLayer, ...AnyLayer[]];
  return { stage: serial(...list), outPlanes };
}

/**
 * ResNet for ImageNet (He et al. 2015, Table 1; torchvision.models.resnet18 … resnet152): stem (conv1
 * 7x7/2 → 64, bn1, relu, maxpool 3x3/2), four stages `layer1` … `layer4` of basic (18, 34) or bottleneck
 * (50, 101, 152) blocks at widths 64/128/256/512 (×4 for bottlenecks), strides 1/2/2/2, projection
 * shortcuts where the shape changes, global average pool (`avgpool`) and `fc`. Input `[3, 224, 224]`.
 * Params: ResNet-18 11,689,512; 34 21,797,672; 50 25,557,032; 101 44,549,160; 152 60,192,808.
 * Keys as torchvision's state_dict: `conv1.weight`, `bn1.running_var`, `layer2.0.downsample.0.weight`,
 * `layer4.1.bn2.num_batches_tracked`, `fc.weight`. Init as torchvision: convs kaiming normal (fan_out,
 * relu), BN weight 1 bias 0 (or the last BN of each block 0 with `zeroInitResidual`), fc PyTorch's default.
 * Works for any input of at least 32x32 (the stages end at 1/32 resolution, then the global pool).
 * @example resnet({ depth: 50 }).describe([3, 224, 224]).outShape // [1000]
 */
export function resnet(config: ResNetConfig = {}): Model {
  const {
    depth = 18,
    numClasses = 1000,
    inChannels = 3,
    baseWidth = 64,
    zeroInitResidual = false,
    stem = 'imagenet',
  } = config;
  let kind: BlockKind;
  let layers: readonly number[];
  if (config.layers !== undefined) {
    kind = config.block ?? 'basic';
    layers = config.layers;
    if (layers.length === 0) throw new ZooConfigError('resnet', 'layers must name at least one stage');
    for (const [i, n] of layers.entries()) checkInt('resnet', `layers[${i}]`, n);
  } else {
    const spec = RESNET_LAYERS[depth as ResNetDepth];
    if (spec === undefined)
      throw new ZooConfigError(
        'resnet',
        `unknown depth ${depth}; expected one of 18, 34, 50, 101, 152 (or give layers)`,
      );
    kind = spec.block;
    layers = spec.layers;
  }
  if (kind !== 'basic' && kind !== 'bottleneck')
    throw new ZooConfigError('resnet', `unknown block '${String(kind)}'; expected 'basic' or 'bottleneck'`);
  checkInt('resnet', 'numClasses', numClasses);
  checkInt('resnet', 'inChannels', inChannels);
  checkInt('resnet', 'baseWidth', baseWidth);
  if (stem !== 'imagenet' && stem !== 'cifar')
    throw new ZooConfigError('resnet', `unknown stem '${String(stem)}'; expected 'imagenet' or 'cifar'`);
  const net: Record<string, AnyLayer> =
    stem === 'imagenet'
      ? { conv1: conv(baseWidth, 7, 2), bn1: bn(), relu, maxpool: maxPool2d(3, { stride: 2, padding: 1 }) }
      : { conv1: conv(baseWidth, 3, 1), bn1: bn(), relu };
  let inPlanes = baseWidth;
  layers.forEach((blocks, i) => {
    const { stage, outPlanes } = resnetStage(
      kind,
      inPlanes,
      baseWidth * 2 ** i,
      blocks,
      i === 0 ? 1 : 2,
      zeroInitResidual,
    );
    net[`layer${i + 1}`] = stage;
    inPlanes = outPlanes;
  });
  net.avgpool = globalAvgPool;
  net.fc = dense(numClasses);
  return withInChannels('resnet', inChannels, named(net));
}
