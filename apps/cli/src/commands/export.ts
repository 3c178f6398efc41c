/**
 * @file `tapenet export <model | run-folder | checkpoint> --onnx FILE`: a zoo model (with `--weights`, or
 * a run's checkpoint) as an ONNX file for ONNX Runtime and other engines, through @tapenet/onnx.
 */
import { stat } from 'node:fs/promises';
import { key } from '@tapenet/autodiff';
import { saveOnnx } from '@tapenet/onnx';
import { isJsonObject, readCheckpointOrThrow, restoreCheckpointOrThrow } from '@tapenet/train';
import { zoo } from '@tapenet/zoo';
import { choice, int, parse, parseShape, positionals, str } from '../args.js';
import { BACKENDS, useBackend } from '../backend.js';
import { type Command, EXIT, guarded, type Io, UsageError } from '../command.js';
import { DATASET_SHAPES, DATASETS, type DatasetName } from '../data.js';
import { runCheckpoint } from '../files.js';
import { buildModel } from '../models.js';
import { loadWeights } from '../weights.js';

const usage = `Usage: tapenet export <model> --onnx FILE [--weights FILE] [options]
       tapenet export <run-folder | checkpoint.safetensors> --onnx FILE [options]

Writes the model in inference mode as an ONNX file (opset 17, a dynamic batch dimension: input 'input'
[N, C, H, W], output 'logits' [N, classes]; parameters named by their state_dict keys), atomically. A zoo
model takes its weights from --weights (a safetensors state dict: PyTorch's or a tapenet checkpoint;
strict) or, without it, from a fresh initialisation; a run folder (its best.safetensors) or checkpoint
brings its own model, classes and weights.

Options:
  --onnx FILE          the ONNX file to write (required)
  --weights FILE       weights for the zoo model named first
  --input C,H,W        input shape without the batch dim (default: the zoo's for a model, the dataset's
                       for a run)
  --classes N          output classes of a zoo model (default: the zoo's)
  --opset N            ONNX opset to declare, 13 to 17 (default 17)
  --backend NAME       backend that traces the model: wasm (default), reference, gpujs
  -h, --help           this help`;

const OPTIONS = {
  onnx: { type: 'string' },
  weights: { type: 'string' },
  input: { type: 'string' },
  classes: { type: 'string' },
  opset: { type: 'string' },
  backend: { type: 'string' },
} as const;

type Exportable = {
  readonly name: string;
  readonly model: ReturnType<typeof buildModel>;
  readonly params: unknown;
  readonly state: unknown;
  readonly shape: readonly number[];
  readonly source: string;
};

/** A run folder or checkpoint file: the model, classes and weights it records. */
async function fromCheckpoint(target: string, input: string | undefined): Promise<Exportable> {
  const file = await runCheckpoint('<run-folder | checkpoint>', target);
  const stored = await readCheckpointOrThrow(file);
  const { name, config } = stored.meta.model;
  const extra = stored.meta.extra;
  const settings = isJsonObject(extra) && isJsonObject(extra.settings) ? extra.settings : {};
  const dataset = settings.dataset as DatasetName | undefined;
  const shape =
    input !== undefined
      ? parseShape('--input', input)
      : dataset !== undefined && (DATASETS as readonly string[]).includes(dataset)
        ? DATASET_SHAPES[dataset]
        : undefined;
  if (shape === undefined) throw new UsageError(`${file} does not say its dataset: give --input C,H,W`);
  const classes = isJsonObject(config) && typeof config.numClasses === 'number' ? config.numClasses : undefined;
  if (classes === undefined) throw new UsageError(`${file}: its metadata has no model.config.numClasses`);
  const model = buildModel(name, shape, classes);
  const init = model.init(key(0), shape);
  const restored = restoreCheckpointOrThrow(stored, { params: init.params, state: init.state });
  return { name, model, params: restored.params, state: restored.state, shape, source: file };
}

/** A zoo model, with `--weights` or freshly initialised. */
async function fromZoo(name: string, p: ReturnType<typeof parse>): Promise<Exportable> {
  const info = zoo.list().find((m) => m.name === name);
  if (info === undefined) {
    throw new UsageError(`'${name}' is neither a zoo model nor a run folder or checkpoint; run 'tapenet models'`);
  }
  const input = str(p, 'input');
  const shape = input === undefined ? info.inputShape : parseShape('--input', input);
  const model = buildModel(name, shape, int(p, 'classes', info.numClasses));
  const weights = str(p, 'weights');
  if (weights === undefined) {
    const { params, state } = model.init(key(0), shape);
    return { name, model, params, state, shape, source: 'random initialisation, seed 0 (no --weights)' };
  }
  const { params, state } = await loadWeights('--weights', weights, model, shape, key(0));
  return { name, model, params, state, shape, source: weights };
}

async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, OPTIONS);
  if (p.values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [target] = positionals(p, ['model | run-folder | checkpoint']) as [string];
  const out = str(p, 'onnx');
  if (out === undefined) throw new UsageError('missing --onnx <file>');
  const opset = int(p, 'opset', 17);
  const onDisk = (await stat(target).catch(() => undefined)) !== undefined;
  if (onDisk && (str(p, 'weights') !== undefined || str(p, 'classes') !== undefined)) {
    throw new UsageError('--weights and --classes go with a zoo model; a run or checkpoint brings its own');
  }
  const backend = useBackend(choice(p, 'backend', BACKENDS, 'wasm'), undefined);
  try {
    const m = onDisk ? await fromCheckpoint(target, str(p, 'input')) : await fromZoo(target, p);
    const bytes = await saveOnnx(out, m.model, m.params, m.state, { inShape: m.shape, opset, modelName: m.name });
    const [classes] = m.model.describe(m.shape).outShape as readonly number[];
    io.stdout.write(
      `wrote ${out} (${bytes} bytes): ${m.name} from ${m.source}, input [N, ${m.shape.join(', ')}] → logits [N, ${classes}], opset ${opset}\n`,
    );
    return EXIT.ok;
  } finally {
    backend.release();
  }
}

/** `tapenet export`. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write a zoo model, run or checkpoint as an ONNX file',
  usage,
  run: (argv, io) => guarded(exportCommand, io, () => run(argv, io)),
};
