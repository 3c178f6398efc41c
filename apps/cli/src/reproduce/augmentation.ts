/**
 * @file The augmentation study: LeNet-5 trained on a reduced MNIST training set with each augmentation of
 * @tapenet/datasets alone and with the digit-safe ones together, over several seeds; the gain in test
 * accuracy over no augmentation, paired by seed, with a 95% confidence interval.
 */
import { foldIn } from '@tapenet/autodiff';
import { type AugmentOptions, augment } from '@tapenet/datasets';
import { renderBars } from '@tapenet/vis';
import { adamOptimizer, cosine, counted, epochsOf, partKey, sized, zooModel } from './common.js';
import type { Experiment } from './experiment.js';
import { mnist, subset } from './images.js';
import { meanCi, pm } from './stats.js';
import { accuracyOn, train } from './training.js';

/** Each augmentation alone, then the digit-safe ones together (no flip: digits are not mirror images). */
const CONFIGS: readonly { readonly name: string; readonly options: AugmentOptions; readonly what: string }[] = [
  { name: 'none', options: {}, what: 'no augmentation' },
  { name: 'crop', options: { crop: { padding: 2 } }, what: 'random 28x28 crop of the image padded by 2' },
  { name: 'flip', options: { flip: true }, what: 'horizontal flip, probability 0.5' },
  { name: 'translate', options: { translate: 2 }, what: 'shift by up to ±2 px per axis' },
  { name: 'rotate', options: { rotate: 15 }, what: 'rotation by up to ±15°' },
  { name: 'scale', options: { scale: [0.85, 1.15] }, what: 'scale by 0.85-1.15' },
  { name: 'brightness', options: { brightness: 0.5 }, what: 'brightness factor 0.5-1.5' },
  { name: 'contrast', options: { contrast: 0.5 }, what: 'contrast factor 0.5-1.5' },
  {
    name: 'all',
    options: { translate: 2, rotate: 15, scale: [0.85, 1.15], brightness: 0.5, contrast: 0.5 },
    what: 'translate, rotate, scale, brightness and contrast together (crop is a shift again, flip hurts digits)',
  },
];

/** Adam's peak rate: higher than `tapenet train`'s 1e-3, for the few steps a small training set gives. */
const LR = 3e-3;

const SIZES = {
  quick: { trainSize: 300, epochs: 4, seeds: 3, testSize: 300 },
  full: { trainSize: 2000, epochs: 8, seeds: 4, testSize: 5000 },
};

/** `tapenet reproduce augmentation`: the gain of each augmentation over none, with 95% intervals over seeds. */
export const augmentationStudy: Experiment = {
  name: 'augmentation',
  title: 'Augmentation study: each augmentation alone and together (reduced MNIST)',
  summary: 'LeNet-5 on a reduced MNIST with each augmentation alone and together; gains ± 95% CI over seeds',
  published:
    "the course notes' claim that augmentation (label-preserving transformations of the training images) improves test accuracy most when training data are scarce, and that a transformation must preserve the label (a flipped digit is not always the same digit); Simard, Steinkraus and Platt (ICDAR 2003) lowered the MNIST test error of their networks with affine and elastic distortions. No single table to match: the numbers here are this package's own.",
  needsData: false,
  async run(ctx) {
    const size = { ...sized(ctx, SIZES), epochs: epochsOf(ctx, sized(ctx, SIZES)) };
    const { train: full, test } = await mnist(size.testSize);
    const model = zooModel('lenet5');
    // acc[c][s]: configuration c, seed s. Each seed draws its own training subset, initialisation and
    // order, shared by every configuration, so gains are paired.
    const acc: number[][] = CONFIGS.map(() => []);
    for (let s = 0; s < size.seeds; s++) {
      const seedKey = partKey(ctx, s);
      const data = subset(full, size.trainSize, foldIn(seedKey, 100));
      for (const [c, config] of CONFIGS.entries()) {
        const trained = await train(ctx, {
          label: `seed ${s + 1}/${size.seeds} ${config.name}`,
          model,
          data,
          epochs: size.epochs,
          batchSize: 32,
          optimizer: adamOptimizer,
          schedule: cosine(LR),
          ...(config.name === 'none' ? {} : { augment: augment(config.options) }),
          key: seedKey,
        });
        acc[c]!.push(await accuracyOn(model, trained, test, ctx.io.signal));
      }
    }
    const base = acc[0]!;
    const rows = CONFIGS.map((config, c) => {
      const gains = acc[c]!.map((a, s) => 100 * (a - base[s]!));
      return {
        name: config.name,
        what: config.what,
        accuracy: meanCi(acc[c]!.map((a) => 100 * a)),
        gain: meanCi(gains),
        gains,
      };
    });
    const bars = await ctx.png(
      'gains.png',
      renderBars({
        title: 'Gain in test accuracy over no augmentation',
        yLabel: 'gain (points), mean and 95% CI',
        bars: rows.slice(1).map((r) => ({ name: r.name, value: r.gain.mean, error: r.gain.ci })),
      }),
      `Gain in test accuracy (percentage points) of each augmentation over none: mean and 95% confidence interval over ${size.seeds} seeds.`,
    );
    const best = rows.slice(1, -1).reduce((a, b) => (b.gain.mean > a.gain.mean ? b : a));
    const all = rows.at(-1)!;
    return {
      summary: [
        `LeNet-5 (the zoo's modern variant) trained on ${size.trainSize} MNIST training digits (a stratified draw per seed) for ${counted(size.epochs, 'epoch')} ` +
          `(Adam, lr ${LR}, cosine decay, batch 32), with each augmentation of @tapenet/datasets, over ${size.seeds} seeds; tested on ${test.count} test digits. ` +
          'Each seed fixes the training subset, the initialisation and the data order for every augmentation, so the gains are paired differences; the interval is mean ± t₀.₉₇₅·s/√n.',
        `**Measured:** without augmentation ${pm(rows[0]!.accuracy)}% test accuracy; all together ${pm(all.accuracy)}% (gain ${pm(all.gain)} points); ` +
          `the best single one is ${best.name} (${pm(best.gain)} points).`,
      ],
      tables: [
        {
          caption: `Test accuracy and gain over no augmentation (percentage points), mean ± 95% CI over ${size.seeds} seeds:`,
          rows: [
            ['augmentation', 'test accuracy (%)', 'gain (points)', 'what'],
            ...rows.map((r) => [r.name, pm(r.accuracy), r.name === 'none' ? '' : pm(r.gain), r.what]),
          ],
        },
      ],
      figures: [bars],
      differences: [],
      results: {
        trainSize: size.trainSize,
        testSize: test.count,
        epochs: size.epochs,
        seeds: size.seeds,
        configs: rows.map((r, c) => ({
          name: r.name,
          accuracy: acc[c]!,
          meanAccuracy: r.accuracy.mean / 100,
          gainPoints: r.gain.mean,
          gainCi95: r.gain.ci,
        })),
      },
    };
  },
};
