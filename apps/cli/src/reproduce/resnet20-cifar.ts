/**
 * @file ResNet-20 on CIFAR-10 (He, Zhang, Ren, Sun 2016, section 4.2): the zoo's CIFAR ResNet-20 trained
 * by the paper's recipe on the CIFAR-10 binary files a user has (`--data DIR`); CI runs it quick on
 * generated files in the same format.
 */
import { take } from '@tapenet/datasets';
import { type GradientTransformation, type LearningRate, multiStepSchedule, sgd } from '@tapenet/optim';
import type { ScheduleSpec } from '@tapenet/train';
import { augment } from '@tapenet/datasets';
import { renderCurves } from '@tapenet/vis';
import { zoo } from '@tapenet/zoo';
import type { Layer } from '@tapenet/layers';
import { loadSplit } from '../data.js';
import { counted, epochsOf, partKey, sized } from './common.js';
import type { Experiment } from './experiment.js';
import { duration } from './report.js';
import { pct } from './stats.js';
import { accuracyOn, train } from './training.js';

/** The paper's 64k iterations at batch 128 over 50k images: 163.8 epochs, rounded up. */
const PAPER_EPOCHS = 164;

const SIZES = {
  quick: { trainSize: 500, testSize: 500, epochs: 1, batchSize: 16 },
  full: { trainSize: 50000, testSize: 10000, epochs: PAPER_EPOCHS, batchSize: 128 },
};

/** SGD with momentum 0.9 and weight decay 1e-4 (section 4.2). */
const optimizer = (lr: LearningRate): GradientTransformation<unknown> =>
  sgd({ lr, momentum: 0.9, weightDecay: 1e-4 }) as GradientTransformation<unknown>;

/** lr 0.1, divided by 10 at 32k and 48k of the 64k iterations: at 1/2 and 3/4 of any run's steps. */
const schedule: ScheduleSpec = ({ totalSteps }) =>
  multiStepSchedule({
    init: 0.1,
    milestones: [Math.round(totalSteps / 2), Math.round((3 * totalSteps) / 4)],
    gamma: 0.1,
  });

const PAPER_ERROR = 0.0875;

/** `tapenet reproduce resnet20-cifar --data DIR`: the CIFAR ResNet-20 by He et al.'s recipe on the user's files. */
export const resnet20Cifar: Experiment = {
  name: 'resnet20-cifar',
  title: 'ResNet-20 on CIFAR-10 (He et al. 2016)',
  summary: 'the CIFAR ResNet-20 by the paper recipe on your CIFAR-10 binary files',
  published:
    'He, Zhang, Ren, Sun, "Deep residual learning for image recognition", CVPR 2016, section 4.2 and Table 6: ResNet-20 (0.27M parameters) reaches 8.75% test error on CIFAR-10.',
  needsData: true,
  async run(ctx) {
    const size = { ...sized(ctx, SIZES), epochs: epochsOf(ctx, sized(ctx, SIZES)) };
    const dir = ctx.dataDir!;
    const fullTrain = await loadSplit('cifar10', 'train', dir);
    const fullTest = await loadSplit('cifar10', 'test', dir);
    const data = take(fullTrain, Math.min(size.trainSize, fullTrain.count));
    const test = take(fullTest, Math.min(size.testSize, fullTest.count));
    const model = zoo.get('resnet20', { numClasses: 10, inChannels: 3 }) as Layer<unknown, unknown>;
    ctx.say(
      `training ResNet-20 on ${data.count} images for ${counted(size.epochs, 'epoch')} (batch ${size.batchSize})`,
    );
    const trained = await train(ctx, {
      label: 'ResNet-20',
      model,
      data,
      epochs: size.epochs,
      batchSize: size.batchSize,
      optimizer,
      schedule,
      augment: augment({ crop: { padding: 4 }, flip: true }),
      key: partKey(ctx, 0),
    });
    const error = 1 - (await accuracyOn(model, trained, test, ctx.io.signal));
    const rate = trained.history.reduce((a, h) => a + h.imagesPerSecond, 0) / trained.history.length;
    const fullSeconds = (PAPER_EPOCHS * 50000) / rate;
    const curve = await ctx.png(
      'training-error.png',
      renderCurves({
        title: 'ResNet-20 training error per epoch',
        xLabel: 'epoch',
        yLabel: 'training error (%)',
        series: [{ name: 'train', values: trained.history.map((h) => 100 * (1 - h.train.accuracy)) }],
      }),
      'Training error (%) of each epoch (on augmented images).',
    );
    return {
      summary: [
        `The zoo's CIFAR ResNet-20 (3 stages of 3 basic blocks at 16/32/64 channels, option-A shortcuts) trained on ${data.count} images of ${dir} ` +
          `for ${counted(size.epochs, 'epoch')}: SGD, momentum 0.9, weight decay 1e-4, batch ${size.batchSize}, lr 0.1 divided by 10 at 1/2 and 3/4 of the steps, ` +
          `random crops of the image padded by 4 and horizontal flips; tested on ${test.count} test images.`,
        `**Measured:** test error ${pct(error)}% (paper: ${pct(PAPER_ERROR)}%); training ran at ${rate.toFixed(0)} images/s here` +
          (ctx.quick
            ? ' (batch 16, on a few images: no guide to the full run).'
            : `, so the full recipe (${PAPER_EPOCHS} epochs of 50,000 images) takes about ${duration(fullSeconds)} on this machine.`),
      ],
      tables: [
        {
          rows: [
            ['', 'test error (%)', 'epochs', 'training images', 'test images'],
            ['this run', pct(error), String(size.epochs), String(data.count), String(test.count)],
            [
              'He et al. 2016, Table 6',
              pct(PAPER_ERROR),
              `${PAPER_EPOCHS} (64k iterations)`,
              '50000 (45k/5k split to tune)',
              '10000',
            ],
          ],
        },
      ],
      figures: [curve],
      differences: [
        "Inputs are normalised per channel (CIFAR-10's mean and standard deviation) instead of the per-pixel mean subtraction of the paper.",
        'Trains on all 50,000 training images; the paper chose the 64k iterations on a 45k/5k split.',
        'Weight decay is the L2 term added to the gradient before momentum, as in PyTorch (the paper does not say more).',
        ...(ctx.quick
          ? [
              `Quick size: ${data.count} training images for ${counted(size.epochs, 'epoch')} at batch ${size.batchSize}: a smoke test, not a result.`,
            ]
          : []),
      ],
      results: {
        trainSize: data.count,
        testSize: test.count,
        epochs: size.epochs,
        batchSize: size.batchSize,
        testError: error,
        trainError: trained.history.map((h) => 1 - h.train.accuracy),
        trainLoss: trained.history.map((h) => h.train.loss),
      },
    };
  },
};
