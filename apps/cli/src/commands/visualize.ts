/**
 * @file `tapenet visualize filters|features|maximize|dream|edges --run <dir>`: pictures of a trained run,
 * written as PNG files into `<run>/vis/`. The model is rebuilt from the run's best checkpoint metadata;
 * any layer of it is reached by its dotted path (`conv2`, `layer1.0.conv1`) through `forwardTo` of
 * @tapenet/layers. With `--model NAME --weights FILE` the model is a zoo model with weights from a
 * safetensors state dict (a PyTorch one, say), and the pictures go to `--out`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { key, sub, div, type Tensor, tensor, treePaths } from '@tapenet/autodiff';
import { type Dataset, materialize } from '@tapenet/datasets';
import { forwardTo, layerPaths } from '@tapenet/layers';
import { isJsonObject, readCheckpointOrThrow, restoreCheckpointOrThrow } from '@tapenet/train';
import {
  customKernel,
  dream,
  EDGE_MODES,
  type EdgeMode,
  encodePng,
  maximizeActivation,
  NAMED_FILTERS,
  pngToTensor,
  renderEdgeModes,
  renderFeatureMaps,
  renderFilters,
  renderGrid,
  tensorToRaster,
  writePngAtomic,
} from '@tapenet/vis';
import { zoo } from '@tapenet/zoo';
import { choice, int, num, type Parsed, parse, str } from '../args.js';
import { BACKENDS, useBackend } from '../backend.js';
import { type Command, EXIT, guarded, type Io, UsageError } from '../command.js';
import { DATASETS, type DatasetName, loadSplit } from '../data.js';
import { buildModel, firstConvWeight } from '../models.js';
import { makeOutputDir, requireRegularFile, runCheckpoint } from '../files.js';
import { RUN_FILES } from '../run-folder.js';
import { loadWeights } from '../weights.js';

const SUBCOMMANDS = ['filters', 'features', 'maximize', 'dream', 'edges'] as const;
type Sub = (typeof SUBCOMMANDS)[number];
const FILTER_NAMES = Object.keys(NAMED_FILTERS) as (keyof typeof NAMED_FILTERS)[];

const usage = `Usage: tapenet visualize <${SUBCOMMANDS.join('|')}> --run <dir> [options]
       tapenet visualize <${SUBCOMMANDS.join('|')}> --model NAME --weights FILE [--dataset NAME] [--out DIR] [options]

Writes pictures of a trained run into <dir>/vis/ (the model comes from <dir>/${RUN_FILES.best}), or of a zoo
model with weights from a safetensors state dict (torchvision's keys) into --out (default <model>-vis).

  filters    the weights of a conv layer as a grid          --layer PATH (default: the first conv)
  features   the feature maps of a layer for one image      --layer PATH, --index I or --image PNG
  maximize   inputs that maximise channels of a layer      --layer PATH, --channels 0-7, --steps, --lr
  dream      amplify a layer's activations in an image      --layer PATH, --index I or --image PNG
  edges      a hand-set filter in each edge mode            --filter NAME or --kernel "1,0,-1;2,0,-2;1,0,-1"

Options:
  --run DIR            the run folder
  --model NAME         a zoo model (with --weights), built for --dataset's images and classes, or without
                       --dataset as the zoo lists it (resnet18: 3x224x224, 1000 classes; pictures of
                       inputs then come from --image)
  --weights FILE       its weights: a safetensors state dict (PyTorch's or a tapenet checkpoint; strict)
  --out DIR            where the pictures of --model go (default <model>-vis)
  --layer PATH         a layer of the model by its dotted path, as its params are named (lenet5:
                       conv1 relu1 ... fc3; resnet18: conv1 ... layer1.0.conv1 ... fc), or output
                       (the logits); an unknown path lists them all
  --index I            test-set image to use (default 0)
  --image FILE         a PNG of your own instead (scaled to [0, 1], normalised like the dataset)
  --channels A-B|A,B   channels to maximise (default 0-7)
  --steps N            gradient-ascent steps (default 96 for maximize, 60 for dream)
  --lr X               step size (default 0.05)
  --seed N             key for the starting noise and jitter (default 0)
  --filter NAME        ${FILTER_NAMES.join(', ')} (default vertical-edge)
  --kernel ROWS        a custom kernel: numbers separated by ',' within a row and ';' between rows
  --edge MODE          extend, zero, crop or all (default all)
  --scale N            pixels per weight / activation
  --dataset NAME       override the run's dataset (${DATASETS.join(', ')})
  --data-dir DIR       dataset folder (cifar10)
  --backend NAME       wasm (default), reference, gpujs
  -h, --help           this help`;

const OPTIONS = {
  run: { type: 'string' },
  model: { type: 'string' },
  weights: { type: 'string' },
  out: { type: 'string' },
  layer: { type: 'string' },
  index: { type: 'string' },
  image: { type: 'string' },
  channels: { type: 'string' },
  steps: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  filter: { type: 'string' },
  kernel: { type: 'string' },
  edge: { type: 'string' },
  scale: { type: 'string' },
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  backend: { type: 'string' },
} as const;

/**
 * The model to draw, its params and state, its per-example input shape and input normalisation, and the
 * dataset whose test images `--index` picks (absent for `--weights` without `--dataset`: `--image` only).
 */
type Loaded = {
  readonly name: string;
  readonly model: ReturnType<typeof buildModel>;
  readonly params: unknown;
  readonly state: unknown;
  readonly shape: readonly number[];
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly data?: Dataset;
};

async function loadRun(run: string, p: Parsed): Promise<Loaded> {
  const file = await runCheckpoint('--run', run);
  const stored = await readCheckpointOrThrow(file);
  const extra = stored.meta.extra;
  const settings = isJsonObject(extra) && isJsonObject(extra.settings) ? extra.settings : {};
  const trainedOn = typeof settings.dataset === 'string' ? settings.dataset : 'none';
  const dataset = choice(p, 'dataset', DATASETS, trainedOn as DatasetName);
  if (!(DATASETS as readonly string[]).includes(dataset)) {
    throw new UsageError(`missing --dataset <${DATASETS.join('|')}> (the checkpoint does not say)`);
  }
  const dataDir = str(p, 'data-dir') ?? (typeof settings.dataDir === 'string' ? settings.dataDir : undefined);
  const data = await loadSplit(dataset, 'test', dataDir);
  const name = stored.meta.model.name;
  const model = buildModel(name, data.shape, data.classNames.length);
  const init = model.init(key(0), data.shape);
  const restored = restoreCheckpointOrThrow(stored, { params: init.params, state: init.state });
  const { shape, normalization } = data;
  return { name, model, params: restored.params, state: restored.state, shape, normalization, data };
}

/**
 * A zoo model with `--weights`: built for `--dataset`'s images and classes, or without `--dataset` as the
 * zoo documents it (torchvision's ImageNet models: 3x224x224, 1000 classes, ImageNet normalisation), with
 * input pictures from `--image`.
 */
async function loadZooWeights(p: Parsed, name: string, weights: string): Promise<Loaded> {
  if (str(p, 'dataset') === undefined) {
    const model = buildModel(name, zoo.info(name).inputShape, zoo.info(name).numClasses);
    const { inputShape: shape, preprocessing: normalization } = zoo.info(name);
    const { params, state } = await loadWeights('--weights', weights, model, shape, key(0));
    return { name, model, params, state, shape, normalization };
  }
  const data = await loadSplit(choice(p, 'dataset', DATASETS, 'mnist'), 'test', str(p, 'data-dir'));
  const model = buildModel(name, data.shape, data.classNames.length);
  const { params, state } = await loadWeights('--weights', weights, model, data.shape, key(0));
  return { name, model, params, state, shape: data.shape, normalization: data.normalization, data };
}

/** The bytes of `--image FILE`, a regular file (checked first: a FIFO would block the read). */
async function readImage(file: string): Promise<Uint8Array> {
  await requireRegularFile('--image', file);
  const bytes = await readFile(file).catch((e: Error) => {
    throw new UsageError(`--image: cannot read '${file}' (${e.message})`);
  });
  return new Uint8Array(bytes);
}

/** The input image `[1, C, H, W]`, normalised like the model's inputs: `--image FILE` or test image `--index`. */
async function inputImage(p: Parsed, loaded: Loaded): Promise<Tensor> {
  const file = str(p, 'image');
  const data = loaded.data;
  if (file === undefined) {
    if (data === undefined) throw new UsageError('give --image FILE (or --dataset, whose test image --index picks)');
    const index = int(p, 'index', 0, 0);
    if (index >= data.count) throw new UsageError(`--index must be below ${data.count}, got ${index}`);
    return materialize(data, [index]).x;
  }
  const bytes = await readImage(file);
  const [c] = loaded.shape as [number, number, number];
  const x = pngToTensor(bytes, { grey: c === 1 });
  const { mean, std } = loaded.normalization;
  const shape = [1, x.shape[1]!, 1, 1];
  return div(sub(x, tensor(mean.slice(0, x.shape[1]), { shape })), tensor(std.slice(0, x.shape[1]), { shape }));
}

/** The run's model as a function from an image to the output of the layer at `path` ('output': the logits). */
function forwardOf(loaded: Loaded, path: string): (x: Tensor) => Tensor {
  const { model, params, state } = loaded;
  if (path === 'output') return (x) => model.apply(params, state, x, { train: false }).y;
  const paths = layerPaths(model);
  if (!paths.includes(path)) {
    throw new UsageError(`--layer must be one of ${paths.join(', ')} or output; got '${path}'`);
  }
  return (x) => forwardTo(model, params, state, x, path);
}

/** `"0-7"` or `"0,3,5"` as a list of channel indices. */
function channelList(p: Parsed): number[] {
  const v = str(p, 'channels') ?? '0-7';
  const range = /^(\d+)-(\d+)$/.exec(v);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a || b - a > 63)
      throw new UsageError(`--channels range '${v}' must be A-B with A ≤ B and at most 64 channels`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (/^\d+(,\d+)*$/.test(v)) return v.split(',').map(Number);
  throw new UsageError(`--channels must look like 0-7 or 0,3,5; got '${v}'`);
}

function kernelOf(p: Parsed): { name: string; kernel: Tensor } {
  const rows = str(p, 'kernel');
  if (rows !== undefined) {
    const parsed = rows.split(';').map((r) => r.split(',').map((v) => (v.trim() === '' ? Number.NaN : Number(v))));
    try {
      return { name: 'custom', kernel: customKernel(parsed) };
    } catch {
      throw new UsageError(`--kernel must be rows of numbers like "1,0,-1;2,0,-2;1,0,-1"; got '${rows}'`);
    }
  }
  const name = choice(p, 'filter', FILTER_NAMES, 'vertical-edge');
  return { name, kernel: NAMED_FILTERS[name]() };
}

const scaleOf = (p: Parsed, fallback: number): number => int(p, 'scale', fallback);

async function draw(sub: Sub, p: Parsed, load: () => Promise<Loaded>, out: string): Promise<string> {
  if (sub === 'edges') {
    const edge = choice(p, 'edge', [...EDGE_MODES, 'all'] as const, 'all');
    const modes: readonly EdgeMode[] = edge === 'all' ? EDGE_MODES : [edge];
    const { name, kernel } = kernelOf(p);
    let image: Tensor;
    if (str(p, 'image') !== undefined) {
      const file = str(p, 'image')!;
      const bytes = await readImage(file);
      image = pngToTensor(bytes);
    } else {
      image = await inputImage(p, await load());
    }
    const path = join(out, `edges-${name}.png`);
    await writePngAtomic(path, renderEdgeModes(image, kernel, { modes, scale: scaleOf(p, 4), title: name }));
    return path;
  }
  const loaded = await load();
  if (sub === 'filters') {
    const layer = str(p, 'layer');
    const [c] = loaded.shape as [number, number, number];
    const weights = treePaths(loaded.params) as [string, Tensor][];
    const weight =
      layer === undefined
        ? firstConvWeight(loaded.model, loaded.params, c, loaded.shape)
        : weights.find(([path, t]) => path === `${layer}.weight` && t.rank === 4)?.[1];
    if (weight === undefined) {
      const convs = weights
        .filter(([path, t]) => path.endsWith('.weight') && t.rank === 4)
        .map(([path]) => path.slice(0, -7));
      throw new UsageError(
        `--layer: no conv weight ${layer === undefined ? 'in this model' : `'${layer}.weight'`}; conv layers: ${convs.join(', ') || 'none'}`,
      );
    }
    const path = join(out, `filters-${layer ?? 'first'}.png`);
    await writePngAtomic(path, renderFilters(weight, p.values.scale === undefined ? {} : { scale: scaleOf(p, 8) }));
    return path;
  }
  const layer = str(p, 'layer');
  if (layer === undefined) throw new UsageError(`missing --layer <path> for ${sub}`);
  const forward = forwardOf(loaded, layer);
  if (sub === 'features') {
    const maps = forward(await inputImage(p, loaded));
    if (maps.rank !== 4)
      throw new UsageError(
        `--layer: '${layer}' gives ${maps.rank}-D activations; feature maps need a conv layer's [1, C, H, W]`,
      );
    const path = join(out, `features-${layer}.png`);
    await writePngAtomic(
      path,
      renderFeatureMaps(maps, { ...(p.values.scale === undefined ? {} : { scale: scaleOf(p, 4) }), title: layer }),
    );
    return path;
  }
  const lr = num(p, 'lr', 0.05);
  const seed = int(p, 'seed', 0, 0);
  if (sub === 'maximize') {
    const channels = channelList(p);
    const steps = int(p, 'steps', 96);
    const tiles = channels.map((channel, i) => {
      const r = maximizeActivation({
        forward,
        channel,
        shape: loaded.shape,
        key: key(seed + i),
        steps,
        lr,
        noise: 1,
      });
      return { image: tensorToRaster(r.image), label: `${channel}: ${r.history.at(-1)!.toFixed(2)}` };
    });
    const path = join(out, `maximize-${layer}.png`);
    await writePngAtomic(
      path,
      encodePng(renderGrid(tiles, { scale: scaleOf(p, 3), columns: Math.min(8, tiles.length), title: layer })),
    );
    return path;
  }
  const image = await inputImage(p, loaded);
  const r = dream({ forward, image, steps: int(p, 'steps', 60), lr, key: key(seed) });
  const tiles = [
    { image: tensorToRaster(image), label: 'INPUT' },
    { image: tensorToRaster(r.image), label: `DREAM ${layer}` },
  ];
  const path = join(out, `dream-${layer}.png`);
  await writePngAtomic(path, encodePng(renderGrid(tiles, { scale: scaleOf(p, 4), columns: 2 })));
  return path;
}

async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, OPTIONS);
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [sub, ...rest] = p.positionals;
  if (sub === undefined) throw new UsageError(`missing <${SUBCOMMANDS.join('|')}>`);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(`unknown picture '${sub}'; expected one of ${SUBCOMMANDS.join(', ')}`);
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const dir = str(p, 'run');
  const name = str(p, 'model');
  const weights = str(p, 'weights');
  if (dir !== undefined && (name !== undefined || weights !== undefined)) {
    throw new UsageError('give --run, or --model with --weights, not both');
  }
  if ((name === undefined) !== (weights === undefined)) throw new UsageError('--model and --weights go together');
  if (dir !== undefined && str(p, 'out') !== undefined) {
    throw new UsageError(`--out goes with --model; the pictures of a run go to <run>/vis`);
  }
  if (dir === undefined && name === undefined)
    throw new UsageError('missing --run <dir> (or --model NAME --weights FILE)');
  if (str(p, 'kernel') !== undefined && str(p, 'filter') !== undefined)
    throw new UsageError('give --filter or --kernel, not both');
  const backend = useBackend(choice(p, 'backend', BACKENDS, 'wasm'), undefined);
  try {
    if (dir !== undefined && (await stat(dir).catch(() => undefined))?.isDirectory() !== true)
      throw new UsageError(`--run: '${dir}' is not a folder`);
    const out = dir !== undefined ? join(dir, 'vis') : (str(p, 'out') ?? `${name}-vis`);
    await makeOutputDir(dir !== undefined ? '--run' : '--out', out);
    const load = dir !== undefined ? () => loadRun(dir, p) : () => loadZooWeights(p, name as string, weights as string);
    const path = await draw(sub as Sub, p, load, out);
    io.stdout.write(`wrote ${path}\n`);
    return EXIT.ok;
  } finally {
    backend.release();
  }
}

/** `tapenet visualize`. */
export const visualizeCommand: Command = {
  name: 'visualize',
  summary: 'draw filters, feature maps, activation maximisation, dreams and edge filters of a run',
  usage,
  run: (argv, io) => guarded(visualizeCommand, io, () => run(argv, io)),
};
