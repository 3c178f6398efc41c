/**
 * @file MLP against CNN under translation (the course notes' argument): the 784-512-512-10 MLP and
 * LeNet-5, each trained on MNIST with and without random-translation augmentation, tested on the test
 * digits shifted 0-8 pixels in each of 8 directions.
 */
import { augment, type Dataset, materialize } from '@tapenet/datasets';
import { encodePng, renderCurves, renderGrid, tensorToRaster } from '@tapenet/vis';
import { ProgressBar } from '../progress.js';
import { adamOptimizer, cosine, counted, epochsOf, partKey, sized, zooModel } from './common.js';
import type { Experiment, RunContext } from './experiment.js';
import { DIRECTION_NAMES, DIRECTIONS, mnist, shifted, subset } from './images.js';
import { pct } from './stats.js';
import { accuracyOn, train } from './training.js';

/** Largest training shift of the augmented models, in pixels per axis. */
const AUGMENT_SHIFT = 4;

const SIZES = {
  quick: { trainSize: 1500, epochs: 2, batchSize: 32, testSize: 200, shifts: [0, 2, 4, 6, 8] },
  full: { trainSize: 60000, epochs: 3, batchSize: 64, testSize: 2000, shifts: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
};

const MODELS = [
  { name: 'MLP', zoo: 'mlp', augmented: false },
  { name: 'LeNet-5', zoo: 'lenet5', augmented: false },
  { name: 'MLP + shifts', zoo: 'mlp', augmented: true },
  { name: 'LeNet-5 + shifts', zoo: 'lenet5', augmented: true },
] as const;

/** Accuracy at every shift and direction: `byDirection[s][d]`, and the mean over directions per shift. */
type ShiftCurve = { readonly name: string; readonly mean: number[]; readonly byDirection: number[][] };

async function shiftCurve(
  ctx: RunContext,
  name: string,
  test: (data: Dataset) => Promise<number>,
  data: Dataset,
  shifts: readonly number[],
): Promise<ShiftCurve> {
  const total = shifts.reduce((a, s) => a + (s === 0 ? 1 : DIRECTIONS.length), 0);
  const bar = new ProgressBar(`testing ${name}`, total, ctx.io.stderr);
  let done = 0;
  const byDirection: number[][] = [];
  for (const s of shifts) {
    const row: number[] = [];
    for (const [ux, uy] of s === 0 ? [[0, 0] as const] : DIRECTIONS) {
      row.push(await test(shifted(data, ux * s, uy * s)));
      bar.update(++done);
    }
    byDirection.push(s === 0 ? DIRECTIONS.map(() => row[0]!) : row);
  }
  bar.finish();
  const mean = byDirection.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  return { name, mean, byDirection };
}

/** One test digit at every shift to the east and to the south-east, as a contact sheet. */
function shiftSheet(data: Dataset, shifts: readonly number[]): Uint8Array {
  const tiles = [DIRECTIONS[0]!, DIRECTIONS[1]!].flatMap(([ux, uy], d) =>
    shifts.map((s) => ({
      image: tensorToRaster(materialize(shifted(data, ux * s, uy * s), [0]).x),
      label: `${DIRECTION_NAMES[d]} ${s}`,
    })),
  );
  return encodePng(renderGrid(tiles, { scale: 2, columns: shifts.length }));
}

/** `tapenet reproduce mlp-vs-cnn`: accuracy against shift for the MLP and LeNet-5, with and without shift augmentation. */
export const mlpVsCnn: Experiment = {
  name: 'mlp-vs-cnn',
  title: 'MLP against CNN under translation (MNIST)',
  summary: 'MLP and LeNet-5, with and without shift augmentation, tested on digits shifted 0-8 px',
  published:
    "the course notes' argument, measured: a CNN's weight sharing and pooling make it cope with a digit that moves in the frame, an MLP's dense weights do not; augmentation with shifts helps both.",
  needsData: false,
  async run(ctx) {
    const size = { ...sized(ctx, SIZES), epochs: epochsOf(ctx, sized(ctx, SIZES)) };
    const { train: full, test } = await mnist(size.testSize);
    const data = subset(full, size.trainSize, partKey(ctx, 100));
    const curves: ShiftCurve[] = [];
    const seconds: number[] = [];
    for (const [i, m] of MODELS.entries()) {
      ctx.say(`training ${m.name} on ${data.count} digits for ${counted(size.epochs, 'epoch')}`);
      const model = zooModel(m.zoo);
      const trained = await train(ctx, {
        label: m.name,
        model,
        data,
        epochs: size.epochs,
        batchSize: size.batchSize,
        optimizer: adamOptimizer,
        schedule: cosine(1e-3),
        ...(m.augmented ? { augment: augment({ translate: AUGMENT_SHIFT }) } : {}),
        key: partKey(ctx, i),
      });
      seconds.push(trained.seconds);
      curves.push(
        await shiftCurve(ctx, m.name, (d) => accuracyOn(model, trained, d, ctx.io.signal), test, size.shifts),
      );
    }
    const at = (c: ShiftCurve, s: number) => c.mean[size.shifts.indexOf(s)]!;
    const [mlp, cnn, mlpAug, cnnAug] = curves as [ShiftCurve, ShiftCurve, ShiftCurve, ShiftCurve];
    const chart = await ctx.png(
      'accuracy-vs-shift.png',
      renderCurves({
        title: 'Test accuracy against shift',
        xLabel: 'shift (pixels, mean of 8 directions)',
        yLabel: 'test accuracy (%)',
        x: size.shifts,
        series: curves.map((c) => ({ name: c.name, values: c.mean.map((v) => 100 * v) })),
      }),
      'Test accuracy (mean over the 8 directions) against the shift in pixels, for the four models.',
    );
    const sheet = await ctx.png(
      'shifted-digits.png',
      shiftSheet(test, size.shifts),
      'The first test digit shifted east (top) and south-east (bottom) by each shift: the border comes in black.',
    );
    const four = size.shifts.includes(4) ? 4 : size.shifts[Math.floor(size.shifts.length / 2)]!;
    return {
      summary: [
        `Trained on ${data.count} MNIST training digits for ${counted(size.epochs, 'epoch')} each (Adam, lr 1e-3, cosine decay, batch ${size.batchSize}); ` +
          `the augmented models saw every training digit shifted by a random whole number of pixels in [−${AUGMENT_SHIFT}, ${AUGMENT_SHIFT}] along each axis. ` +
          `Tested on the first ${test.count} test digits, shifted by s pixels in each of 8 directions (the diagonals move s pixels along both axes).`,
        `**Measured:** at a shift of ${four} pixels the MLP keeps ${pct(at(mlp, four), 1)}% and LeNet-5 ${pct(at(cnn, four), 1)}% ` +
          `(${pct(at(mlp, 0), 1)}% and ${pct(at(cnn, 0), 1)}% unshifted); with shift augmentation ${pct(at(mlpAug, four), 1)}% and ${pct(at(cnnAug, four), 1)}%.`,
      ],
      tables: [
        {
          caption: 'Test accuracy (%) against the shift in pixels, mean of the 8 directions:',
          rows: [
            ['model', ...size.shifts.map((s) => `${s} px`)],
            ...curves.map((c) => [c.name, ...c.mean.map((v) => pct(v, 1))]),
          ],
        },
        {
          caption: `Test accuracy (%) at a shift of ${four} pixels by direction:`,
          rows: [
            ['model', ...DIRECTION_NAMES],
            ...curves.map((c) => [c.name, ...c.byDirection[size.shifts.indexOf(four)]!.map((v) => pct(v, 1))]),
          ],
        },
        {
          caption: 'Training time:',
          rows: [['model', 'seconds'], ...curves.map((c, i) => [c.name, seconds[i]!.toFixed(1)])],
        },
      ],
      figures: [chart, sheet],
      differences: [],
      results: {
        trainSize: data.count,
        testSize: test.count,
        epochs: size.epochs,
        shifts: size.shifts,
        directions: [...DIRECTION_NAMES],
        models: curves.map((c) => ({ name: c.name, mean: c.mean, byDirection: c.byDirection })),
      },
    };
  },
};
