/**
 * @file The CIFAR-10 ResNets of He, Zhang, Ren and Sun, "Deep residual learning for image recognition",
 * CVPR 2016 (arXiv:1512.03385), section 4.2 and Table 6: ResNet-20/32/44/56/110 (6n + 2 layers).
 */
import { avgPool2d, fmt, pad, ShapeError, type Tensor } from '@tapenet/autodiff';
import {
  type AnyLayer,
  batchNorm,
  conv2d,
  dense,
  type Empty,
  globalAvgPool,
  type Layer,
  named,
  relu,
  residual,
  initializers,
  serial,
} from '@tapenet/layers';
import { checkInt, kaimingConv, type Model, withInChannels, ZooConfigError } from './types.js';

/** Configuration of `cifarResnet`. */
export type CifarResNetConfig = {
  /** 6n + 2: 20, 32, 44, 56, 110, 1202, … (default 20). */
  readonly depth?: number;
  /** Output classes (default 10). */
  readonly numClasses?: number;
  /** Input channels (default 3). */
  readonly inChannels?: number;
  /** Channels of the first stage (default 16; the stages have w, 2w, 4w). */
  readonly baseWidth?: number;
  /**
   * Shortcuts where the shape changes: 'A' (default; the paper's CIFAR choice) identity on every second
   * pixel with zero-padded extra channels, no parameters; 'B' a 1x1 projection conv and BN (`downsample.0/1`).
   */
  readonly shortcut?: 'A' | 'B';
  /** Zero-initialise the second BN of each block (default false). */
  readonly zeroInitResidual?: boolean;
};

/**
 * The parameter-free shortcut of He et al. option A: keep every `stride`-th pixel and pad the channels
 * with zeros up to `out` (half the new channels before, half after, as the common PyTorch port does).
 * `[C, H, W] → [out, ⌈H/stride⌉, ⌈W/stride⌉]`.
 */
export function zeroPadShortcut(out: number, stride: number): Layer<Empty, Empty> {
  const EMPTY: Empty = Object.freeze({});
  const shape = (s: readonly number[] | readonly (readonly number[])[]): readonly number[] => {
    const [c, h, w] = s as readonly number[];
    if (s.length !== 3 || typeof c !== 'number' || h === undefined || w === undefined)
      throw new ShapeError('zeroPadShortcut', 'inShape', `must be one [C, H, W] activation`);
    if (c > out) throw new ShapeError('zeroPadShortcut', 'inShape', `${fmt([c, h, w])} has more than ${out} channels`);
    return [out, Math.ceil(h / stride), Math.ceil(w / stride)];
  };
  return {
    describe: (inShape) => ({
      type: 'zeroPadShortcut',
      outShape: shape(inShape),
      params: EMPTY,
      state: EMPTY,
      flops: 0,
    }),
    init: (_k, inShape) => ({ params: EMPTY, state: EMPTY, outShape: shape(inShape) }),
    apply: (_p, state, x: Tensor) => {
      const c = x.shape[1]!;
      const sub = stride === 1 ? x : avgPool2d(x, 1, { stride });
      const before = Math.floor((out - c) / 2);
      const y = pad(sub, [
        [0, 0],
        [before, out - c - before],
        [0, 0],
        [0, 0],
      ]);
      return { y, state };
    },
  };
}

const conv3 = (out: number, stride = 1): Layer<unknown, unknown> =>
  conv2d({ out, kernel: 3, stride, padding: 1, bias: false, init: kaimingConv });

/**
 * CIFAR ResNet (He et al. 2015, section 4.2): conv1 3x3 → 16, bn1, relu, three stages `layer1` … `layer3`
 * of n basic blocks at 16/32/64 channels (feature maps 32/16/8), the first block of stages 2 and 3 with
 * stride 2, global average pool (`avgpool`), `fc`; depth 6n + 2. Shortcuts are identities, with option A
 * (subsampling + zero-padded channels, no parameters) where the shape changes. Input `[3, 32, 32]`.
 * Params (10 classes): ResNet-20 269,722; 32 464,154; 44 658,586; 56 853,018; 110 1,727,962 (the paper's
 * 0.27M, 0.46M, 0.66M, 0.85M, 1.7M). Keys follow torchvision's ResNet: `conv1.weight`, `bn1.*`,
 * `layer1.0.conv1.weight`, `layer3.2.bn2.running_var`, `fc.weight`. Init as torchvision's ResNet.
 * @example cifarResnet({ depth: 56 }).describe([3, 32, 32]).outShape // [10]
 */
export function cifarResnet(config: CifarResNetConfig = {}): Model {
  const {
    depth = 20,
    numClasses = 10,
    inChannels = 3,
    baseWidth = 16,
    shortcut = 'A',
    zeroInitResidual = false,
  } = config;
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0)
    throw new ZooConfigError('cifarResnet', `depth ${depth} must be 6n + 2 with n ≥ 1 (20, 32, 44, 56, 110, ...)`);
  if (shortcut !== 'A' && shortcut !== 'B')
    throw new ZooConfigError('cifarResnet', `unknown shortcut '${String(shortcut)}'; expected 'A' or 'B'`);
  checkInt('cifarResnet', 'numClasses', numClasses);
  checkInt('cifarResnet', 'inChannels', inChannels);
  checkInt('cifarResnet', 'baseWidth', baseWidth);
  const n = (depth - 2) / 6;
  const net: Record<string, AnyLayer> = { conv1: conv3(baseWidth), bn1: batchNorm(), relu };
  let inPlanes = baseWidth;
  for (let s = 0; s < 3; s++) {
    const planes = baseWidth * 2 ** s;
    const blocks = Array.from({ length: n }, (_, i) => {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const main = named({
        conv1: conv3(planes, stride),
        bn1: batchNorm(),
        relu,
        conv2: conv3(planes),
        bn2: batchNorm(zeroInitResidual ? { init: { weight: initializers.zeros } } : {}),
      }) as Layer<Record<string, unknown>, Record<string, unknown>>;
      const changes = stride !== 1 || inPlanes !== planes;
      inPlanes = planes;
      if (!changes) return residual(main, undefined, { activation: relu });
      return shortcut === 'A'
        ? residual(main, zeroPadShortcut(planes, stride), { activation: relu, shortcutName: 'shortcut' })
        : residual(
            main,
            serial(conv2d({ out: planes, kernel: 1, stride, bias: false, init: kaimingConv }), batchNorm()),
            { activation: relu },
          );
    }) as [AnyLayer, ...AnyLayer[]];
    net[`layer${s + 1}`] = serial(...blocks);
  }
  net.avgpool = globalAvgPool;
  net.fc = dense(numClasses);
  return withInChannels('cifarResnet', inChannels, named(net));
}
