/** @file Datasets by name for the CLI: loading, normalisation, the validation split and size limits. */
import { key } from '@tapenet/autodiff';
import {
  CIFAR10_NORMALIZATION,
  type Dataset,
  FASHION_MNIST_NORMALIZATION,
  fromImageDataset,
  type ImageDataset,
  loadCifar10,
  loadFashionMnist,
  loadMnist,
  MNIST_NORMALIZATION,
  runOrThrow,
  split,
  take,
} from '@tapenet/datasets';
import { UsageError } from './command.js';

/** The datasets `--dataset` accepts. */
export const DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The per-example image shape `[C, H, W]` of each dataset. */
export const DATASET_SHAPES: { readonly [D in DatasetName]: readonly [number, number, number] } = {
  mnist: [1, 28, 28],
  'fashion-mnist': [1, 28, 28],
  cifar10: [3, 32, 32],
};

/** Loads one split of a dataset by name; `dir` is required for cifar10 and optional for mnist. */
export async function loadSplit(name: DatasetName, which: 'train' | 'test', dir: string | undefined): Promise<Dataset> {
  switch (name) {
    case 'mnist': {
      const raw: ImageDataset = await runOrThrow(loadMnist({ split: which, ...(dir === undefined ? {} : { dir }) }));
      return fromImageDataset(raw, MNIST_NORMALIZATION);
    }
    case 'fashion-mnist':
      return fromImageDataset(await runOrThrow(loadFashionMnist({ split: which })), FASHION_MNIST_NORMALIZATION);
    case 'cifar10':
      if (dir === undefined) {
        throw new UsageError(
          'cifar10 needs --data-dir <folder with data_batch_1.bin ... test_batch.bin> (the "CIFAR-10 binary version")',
        );
      }
      return fromImageDataset(await runOrThrow(loadCifar10(dir, { split: which })), CIFAR10_NORMALIZATION);
  }
}

/** The training data: the training split less a stratified validation set of `valSize`, optionally cut to `trainSize`. */
export function trainValidation(
  full: Dataset,
  valSize: number,
  trainSize: number | undefined,
  seed: number,
): { train: Dataset; validation: Dataset | undefined } {
  if (valSize >= full.count) {
    throw new UsageError(`--val-size ${valSize} must be smaller than the ${full.count} training examples`);
  }
  const [rest, validation] =
    valSize > 0 ? split(full, { count: valSize, stratified: true, key: key(seed) }) : [full, undefined];
  return { train: trainSize === undefined ? rest : take(rest, Math.min(trainSize, rest.count)), validation };
}
