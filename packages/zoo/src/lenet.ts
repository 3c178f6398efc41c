/**
 * @file LeNet-5: the 'modern' variant (ReLU, max pooling, the PyTorch-tutorial network for 28x28 MNIST)
 * and the 'original' one, exact to LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied
 * to document recognition", Proc. IEEE 86(11), 1998, section II-B and Fig. 2.
 */
import type { Initializer } from '@tapenet/layers';
import { conv2d, dense, flatten, maxPool2d, named, relu, scaledTanh } from '@tapenet/layers';
import { random } from '@tapenet/autodiff';
import { C3_TABLE, lecun98Bound, partialConv2d, rbf, subsampling } from './lenet-layers.js';
import { checkInt, type Model, withInChannels, ZooConfigError } from './types.js';

/** Configuration of `lenet5`. */
export type LeNet5Config = {
  /** 'modern' (default) or 'original' (LeCun et al. 1998 as published). */
  readonly variant?: 'modern' | 'original';
  /** Output classes (default 10). */
  readonly numClasses?: number;
  /** Input channels (default 1). */
  readonly inChannels?: number;
  /**
   * The original variant's output layer: 'rbf' (default; the paper's Euclidean RBF units with fixed ±1
   * codes, no trainable parameters) or 'dense' (the common substitution: a trainable 84 → numClasses layer).
   */
  readonly output?: 'rbf' | 'dense';
};

/** LeCun's 1998 initialisation `U(±2.4/fanIn)` as a layer initialiser (weights and biases). */
const lecun98: Initializer = (k, shape, fans) => {
  const b = lecun98Bound(fans.fanIn);
  return random.uniform(k, shape, -b, b, { dtype: fans.dtype });
};
const LECUN98 = { weight: lecun98, bias: lecun98 };

/**
 * LeNet-5.
 *
 * **'modern'** (default; input `[1, 28, 28]`): `conv1` 5x5 → 6 maps (padding 2), ReLU, 2x2 max pool,
 * `conv2` 5x5 → 16, ReLU, max pool, flatten (400), `fc1` 120, ReLU, `fc2` 84, ReLU, `fc3` numClasses:
 * 61,706 params for 10 classes. Keys `conv1.weight`, `conv1.bias`, `conv2.*`, `fc1.*`, `fc2.*`, `fc3.*`
 * (the PyTorch tutorial's names). Initialised as PyTorch's Conv2d/Linear defaults.
 *
 * **'original'** (input `[1, 32, 32]`), LeCun et al. 1998 section II-B: C1 5x5 → 6 maps (156 params), S2
 * trainable subsampling (12), C3 partially connected by Table I (1,516), S4 subsampling (32), C5 5x5 → 120
 * (48,120), F6 84 units (10,164), every layer followed by the scaled tanh `1.7159·tanh(2x/3)` (eq. 6 and
 * Appendix A), then the output: Euclidean RBF units with fixed ±1 codes (no parameters; see `rbf`) or a
 * dense layer (`output: 'dense'`). 60,000 trainable params with the RBF output, the paper's "about 60,000".
 * Keys `c1.*`, `s2.*`, `c3.*` (weight `[60, 5, 5]`, one kernel per Table I connection), `s4.*`, `c5.*`,
 * `f6.*` (and `output.*` for 'dense'). Weights and biases start `U(±2.4/F)`, F the fan-in (Appendix C).
 * @example
 * const net = lenet5();                         // modern, 10 classes
 * const { params, state } = net.init(key(0), [1, 28, 28]);
 * const logits = net.apply(params, state, x, { train: false }).y; // [N, 10]
 */
export function lenet5(config: LeNet5Config = {}): Model {
  const { variant = 'modern', numClasses = 10, inChannels = 1, output = 'rbf' } = config;
  checkInt('lenet5', 'numClasses', numClasses);
  checkInt('lenet5', 'inChannels', inChannels);
  if (variant === 'modern') {
    return withInChannels(
      'lenet5',
      inChannels,
      named({
        conv1: conv2d({ out: 6, kernel: 5, padding: 2 }),
        relu1: relu,
        pool1: maxPool2d(2),
        conv2: conv2d({ out: 16, kernel: 5 }),
        relu2: relu,
        pool2: maxPool2d(2),
        flatten,
        fc1: dense(120),
        relu3: relu,
        fc2: dense(84),
        relu4: relu,
        fc3: dense(numClasses),
      }),
    );
  }
  if (variant !== 'original')
    throw new ZooConfigError('lenet5', `unknown variant '${String(variant)}'; expected 'modern' or 'original'`);
  if (output !== 'rbf' && output !== 'dense')
    throw new ZooConfigError('lenet5', `unknown output '${String(output)}'; expected 'rbf' or 'dense'`);
  if (output === 'rbf' && numClasses > 127)
    throw new ZooConfigError('lenet5', `the RBF output has codes for at most 127 classes, not ${numClasses}`);
  return withInChannels(
    'lenet5',
    inChannels,
    named({
      c1: conv2d({ out: 6, kernel: 5, init: LECUN98 }),
      c1_act: scaledTanh,
      s2: subsampling(),
      s2_act: scaledTanh,
      c3: partialConv2d(C3_TABLE, 5),
      c3_act: scaledTanh,
      s4: subsampling(),
      s4_act: scaledTanh,
      c5: conv2d({ out: 120, kernel: 5, init: LECUN98 }),
      c5_act: scaledTanh,
      flatten,
      f6: dense(84, { init: LECUN98 }),
      f6_act: scaledTanh,
      output: output === 'rbf' ? rbf(numClasses) : dense(numClasses, { init: LECUN98 }),
    }),
  );
}
