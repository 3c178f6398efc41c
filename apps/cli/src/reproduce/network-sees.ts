/**
 * @file What the network sees: a trained LeNet-5 and a trained small VGG-style network on MNIST, drawn
 * with @tapenet/vis: first-layer filters, feature maps of a test digit, hand-set edge filters with the
 * three border modes and the output sizes `(W − F + 2P)/S + 1`, activation maximisation of each class's
 * logit, and a deep dream. One page of pictures.
 */
import { conv2d as conv, reshape, type Tensor, treePaths } from '@tapenet/autodiff';
import { type Dataset, materialize } from '@tapenet/datasets';
import { conv2d, dense, flatten, forwardTo, type Layer, maxPool2d, named, relu } from '@tapenet/layers';
import {
  dream,
  EDGE_MODES,
  encodePng,
  gaussianBlur,
  horizontalEdge,
  maximizeActivation,
  renderEdgeModes,
  renderFeatureMaps,
  renderFilters,
  renderGrid,
  tensorToRaster,
  verticalEdge,
} from '@tapenet/vis';
import { adamOptimizer, cosine, counted, epochsOf, partKey, sized, zooModel } from './common.js';
import type { Experiment, Figure, RunContext, Table } from './experiment.js';
import { mnist, subset } from './images.js';
import { pct } from './stats.js';
import { accuracyOn, type Trained, train } from './training.js';

/**
 * A small VGG-style network for 28x28 digits (Simonyan and Zisserman's pattern at MNIST scale: stacks of
 * 3x3 convolutions with padding 1, each stack halved by 2x2 max pooling): [conv 8, conv 8, pool,
 * conv 16, conv 16, pool, fc 64, fc classes]. Built here from @tapenet/layers; the zoo's VGGs are the
 * ImageNet and CIFAR ones (five poolings: too many for 28x28).
 */
export const smallVgg = (numClasses = 10): Layer<unknown, unknown> =>
  named({
    conv1_1: conv2d({ out: 8, kernel: 3, padding: 1 }),
    relu1_1: relu,
    conv1_2: conv2d({ out: 8, kernel: 3, padding: 1 }),
    relu1_2: relu,
    pool1: maxPool2d(2),
    conv2_1: conv2d({ out: 16, kernel: 3, padding: 1 }),
    relu2_1: relu,
    conv2_2: conv2d({ out: 16, kernel: 3, padding: 1 }),
    relu2_2: relu,
    pool2: maxPool2d(2),
    flatten,
    fc1: dense(64),
    relu3: relu,
    fc2: dense(numClasses),
  }) as Layer<unknown, unknown>;

const NETS = [
  {
    name: 'LeNet-5',
    file: 'lenet5',
    build: () => zooModel('lenet5'),
    first: 'conv1',
    maps: ['relu1', 'relu2'],
    deep: 'relu2',
  },
  {
    name: 'small VGG',
    file: 'vgg',
    build: () => smallVgg(),
    first: 'conv1_1',
    maps: ['relu1_2', 'relu2_2'],
    deep: 'relu2_2',
  },
] as const;

const SIZES = {
  quick: { trainSize: [2000, 1000], epochs: 2, testSize: 500, maximizeSteps: 16, dreamSteps: 10 },
  full: { trainSize: [60000, 20000], epochs: 2, testSize: 10000, maximizeSteps: 96, dreamSteps: 60 },
};

/** The output side of a convolution: `⌊(W − F + 2P)/S⌋ + 1`. */
export const outputSize = (w: number, f: number, p: number, s: number): number => Math.floor((w - f + 2 * p) / s) + 1;

/** The edge-mode table: padding, stride, the formula and the size `conv2d` gives, for a 28-wide digit. */
function sizeTable(digit: Tensor): Table {
  const w = digit.shape[3]!;
  const rows = [['border', 'F', 'P', 'S', '(W − F + 2P)/S + 1', 'conv2d output']];
  for (const f of [3, 5]) {
    for (const s of [1, 2]) {
      for (const mode of EDGE_MODES) {
        const p = mode === 'crop' ? 0 : (f - 1) / 2;
        const kernel = f === 3 ? verticalEdge() : gaussianBlur(5, 1);
        const y = conv(digit, reshape(kernel, [1, 1, f, f]), { stride: s, padding: p });
        rows.push([
          mode,
          String(f),
          String(p),
          String(s),
          `(${w} − ${f} + ${2 * p})/${s} + 1 = ${outputSize(w, f, p, s)}`,
          `${y.shape[2]}x${y.shape[3]}`,
        ]);
      }
    }
  }
  return {
    caption: `Output sizes of a ${w}x${w} digit filtered with an F x F kernel (the Sobel vertical edge for F = 3, a Gaussian blur for F = 5): 'zero' pads P = (F − 1)/2 zeros, 'extend' the same number of replicated edge pixels, 'crop' none (P = 0); a stride S keeps every S-th position (⌊⌋ when it does not divide):`,
    rows,
  };
}

/** Pictures of one trained network. */
async function pictures(
  ctx: RunContext,
  net: (typeof NETS)[number],
  model: Layer<unknown, unknown>,
  trained: Trained,
  digits: Tensor,
  size: (typeof SIZES)['quick'],
): Promise<Figure[]> {
  const { params, state } = trained;
  const weight = (treePaths(params) as [string, Tensor][]).find(([p]) => p === `${net.first}.weight`)![1];
  const figures = [
    await ctx.png(
      `${net.file}-filters.png`,
      renderFilters(weight, { scale: 8, range: 'symmetric' }),
      `${net.name}: the ${weight.shape[0]} first-layer filters (${net.first}, ${weight.shape[2]}x${weight.shape[3]}; grey 0, white positive, black negative).`,
    ),
  ];
  for (const layer of net.maps) {
    const maps = forwardTo(model, params, state, digits, layer);
    figures.push(
      await ctx.png(
        `${net.file}-features-${layer}.png`,
        renderFeatureMaps(maps, { scale: maps.shape[2]! > 20 ? 2 : 4, title: `${net.name} ${layer}` }),
        `${net.name}: the ${maps.shape[1]} feature maps of ${layer} (${maps.shape[2]}x${maps.shape[3]}) for the first test digit.`,
      ),
    );
  }
  const logits = (x: Tensor) => model.apply(params, state, x, { train: false }).y;
  const tiles = Array.from({ length: 10 }, (_, c) => {
    const r = maximizeActivation({
      forward: logits,
      channel: c,
      shape: digits.shape.slice(1),
      key: partKey(ctx, 200 + c),
      steps: size.maximizeSteps,
      noise: 0.1,
    });
    return { image: tensorToRaster(r.image), label: `${c}` };
  });
  figures.push(
    await ctx.png(
      `${net.file}-classes.png`,
      encodePng(renderGrid(tiles, { scale: 3, columns: 10, title: `${net.name}: the input each class likes best` })),
      `${net.name}: activation maximisation of each class's logit (${size.maximizeSteps} steps of gradient ascent from faint noise, with jitter and blur).`,
    ),
  );
  const d = dream({
    forward: (x) => forwardTo(model, params, state, x, net.deep),
    image: digits,
    steps: size.dreamSteps,
    key: partKey(ctx, 300),
  });
  figures.push(
    await ctx.png(
      `${net.file}-dream.png`,
      encodePng(
        renderGrid(
          [
            { image: tensorToRaster(digits), label: 'INPUT' },
            { image: tensorToRaster(d.image), label: `DREAM ${net.deep}` },
          ],
          { scale: 4, columns: 2 },
        ),
      ),
      `${net.name}: a deep dream, ${size.dreamSteps} steps of gradient ascent on the mean square of ${net.deep} from the test digit.`,
    ),
  );
  return figures;
}

/** `tapenet reproduce network-sees`: one page of pictures of a trained LeNet-5 and a small VGG. */
export const networkSees: Experiment = {
  name: 'network-sees',
  title: 'What the network sees: LeNet-5 and a small VGG on MNIST',
  summary: 'filters, feature maps, edge filters and output sizes, class maximisation and a dream',
  published:
    "the course notes' pictures of what a convolutional network computes: learned first-layer filters look like oriented edge and blob detectors (Zeiler and Fergus, ECCV 2014), hand-set edge filters with zero, extended and cropped borders and the output size (W − F + 2P)/S + 1, activation maximisation (Erhan et al. 2009; Simonyan et al. 2014) and deep dream (Mordvintsev et al. 2015).",
  needsData: false,
  async run(ctx) {
    const size = { ...sized(ctx, SIZES), epochs: epochsOf(ctx, sized(ctx, SIZES)) };
    const { train: full, test } = await mnist(size.testSize);
    const digits = materialize(test, [0]).x;
    const figures: Figure[] = [];
    const accuracy: { name: string; trainSize: number; accuracy: number }[] = [];
    for (const [i, net] of NETS.entries()) {
      const data: Dataset = subset(full, size.trainSize[i]!, partKey(ctx, 100 + i));
      ctx.say(`training ${net.name} on ${data.count} digits for ${counted(size.epochs, 'epoch')}`);
      const model = net.build();
      const trained = await train(ctx, {
        label: net.name,
        model,
        data,
        epochs: size.epochs,
        batchSize: 64,
        optimizer: adamOptimizer,
        schedule: cosine(1e-3),
        key: partKey(ctx, i),
      });
      accuracy.push({
        name: net.name,
        trainSize: data.count,
        accuracy: await accuracyOn(model, trained, test, ctx.io.signal),
      });
      ctx.say(`drawing ${net.name}`);
      figures.push(...(await pictures(ctx, net, model, trained, digits, size)));
    }
    for (const [name, kernel] of [
      ['vertical-edge', verticalEdge()],
      ['horizontal-edge', horizontalEdge()],
    ] as const) {
      figures.push(
        await ctx.png(
          `edges-${name}.png`,
          renderEdgeModes(digits, kernel, { scale: 3, title: name }),
          `A hand-set ${name.replace('-', ' ')} filter (Sobel, 3x3) on the first test digit with each border: extend and zero keep 28x28, crop gives 26x26; zero padding draws a false edge along the frame where the digit's background is not 0 after normalisation.`,
        ),
      );
    }
    const table = sizeTable(digits);
    return {
      summary: [
        `LeNet-5 (the zoo's modern variant) and a small VGG-style network (3x3 convolutions 8-8-pool-16-16-pool, fc 64, fc 10) trained on MNIST for ${counted(size.epochs, 'epoch')} (Adam, lr 1e-3, cosine decay); every picture below is of the first test digit or of the trained weights.`,
        `**Measured:** test accuracy ${accuracy.map((a) => `${a.name} ${pct(a.accuracy)}% (${a.trainSize} training digits)`).join(', ')} on ${test.count} test digits.`,
      ],
      tables: [
        {
          rows: [
            ['network', 'training digits', 'test accuracy (%)'],
            ...accuracy.map((a) => [a.name, String(a.trainSize), pct(a.accuracy)]),
          ],
        },
        table,
      ],
      figures,
      differences: [],
      results: { testSize: test.count, epochs: size.epochs, networks: accuracy, outputSizes: table.rows.slice(1) },
    };
  },
};
