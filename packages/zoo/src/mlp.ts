/**
 * @file A multilayer perceptron baseline for small images (784-512-512-10 by default), to compare with the
 * CNNs as LeCun et al. 1998 (section III-C, Fig. 9) compare fully connected nets with LeNet-5.
 */
import { type AnyLayer, dense, dropout, flatten, named, relu } from '@tapenet/layers';
import { asModel, checkInt, checkProbability, type Model } from './types.js';

/** Configuration of `mlp`. */
export type MlpConfig = {
  /** Hidden layer widths (default [512, 512]). */
  readonly hidden?: readonly number[];
  /** Output classes (default 10). */
  readonly numClasses?: number;
  /** Dropout after each hidden ReLU (default 0: none). */
  readonly dropout?: number;
};

/**
 * MLP: flatten, then for each hidden width a dense layer and ReLU (and dropout when asked), then a dense
 * output. Accepts any input shape (the first layer's width comes from `init`'s inShape): on `[1, 28, 28]`
 * the default 784-512-512-10 has 669,706 params. Keys `fc1.*`, `fc2.*`, …, `fc{L+1}.*` (weight `[out, in]`).
 * Initialised as PyTorch's Linear default.
 * @example mlp({ hidden: [300, 100] }) // LeCun et al. 1998's 300-100 net
 */
export function mlp(config: MlpConfig = {}): Model {
  const { hidden = [512, 512], numClasses = 10, dropout: p = 0 } = config;
  for (const [i, h] of hidden.entries()) checkInt('mlp', `hidden[${i}]`, h);
  checkInt('mlp', 'numClasses', numClasses);
  checkProbability('mlp', 'dropout', p);
  const layers: Record<string, AnyLayer> = { flatten };
  hidden.forEach((h, i) => {
    layers[`fc${i + 1}`] = dense(h);
    layers[`relu${i + 1}`] = relu;
    if (p > 0) layers[`dropout${i + 1}`] = dropout(p);
  });
  layers[`fc${hidden.length + 1}`] = dense(numClasses);
  return asModel(named(layers));
}
