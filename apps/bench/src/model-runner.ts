/**
 * @file The model workloads on top of any `LenetTrainer`: one SGD step on a fixed batch, and a full
 * MNIST epoch with its data pipeline. Shared by every implementation so they do exactly the same work.
 */
import { type LenetTrainer, lenetBatch } from './data.js';
import { epochBatches, loadMnistTrain } from './mnist.js';
import type { Output, Runner, WorkloadSpec } from './types.js';

type ModelSpec = Extract<WorkloadSpec, { kind: 'lenet-step' | 'mnist-epoch' }>;

/** Whether `spec` is a model workload this module can run. */
export const isModelSpec = (spec: WorkloadSpec): spec is ModelSpec =>
  spec.kind === 'lenet-step' || spec.kind === 'mnist-epoch';

const resolve = async (v: number | Promise<number>): Promise<number> => v;

/**
 * Builds the runner of a model workload. `lenet-step`: one forward + backward + SGD update on a fixed
 * batch, reading back the loss and every updated parameter. `mnist-epoch`: shuffle, normalise and batch
 * the real MNIST training images, then one step per batch (loss read back every step, parameters at the end).
 * The batches are host arrays; tapenet's trainer (`tapenet/lenet.ts`) runs each step inside `scope` and
 * releases the params it replaced, so an epoch's wasm memory stays that of one step. (The scope is there,
 * not here: this runner is shared with the peers, whose steps may return promises, and `scope` is synchronous.)
 */
export async function modelRunner(
  spec: ModelSpec,
  make: () => LenetTrainer | Promise<LenetTrainer>,
  activate?: () => void | Promise<void>,
): Promise<Runner> {
  await activate?.();
  const trainer = await make();
  const base = { dispose: () => trainer.dispose(), ...(activate ? { activate } : {}) };
  if (spec.kind === 'lenet-step') {
    const { x, y } = lenetBatch(spec.batch);
    return {
      ...base,
      run: async (): Promise<Output> => {
        const loss = await resolve(trainer.step(x, y));
        return [Float64Array.of(loss), ...trainer.params()];
      },
    };
  }
  const mnist = loadMnistTrain(spec.images);
  let epoch = 0;
  return {
    ...base,
    warmup: async () => {
      // A few steps compile and warm the kernels without spending a whole epoch on it.
      const { x, y } = lenetBatch(spec.batch);
      for (let i = 0; i < 2; i++) await resolve(trainer.step(x, y));
    },
    run: async (): Promise<Output> => {
      let first = Number.NaN;
      for (const { x, y } of epochBatches(mnist, spec.batch, epoch++)) {
        const loss = await resolve(trainer.step(x, y));
        if (Number.isNaN(first)) first = loss;
      }
      return [Float64Array.of(first), ...trainer.params()];
    },
  };
}

/**
 * The error a peer gives for the LeNet-5 zoo-step row: it measures tapenet's user-level API
 * (@tapenet/zoo, @tapenet/layers, @tapenet/optim), which only tapenet has; the peers' LeNet-5 is on the
 * `LeNet-5 train step` row.
 */
export const tapenetOnly = (peer: string): string =>
  `tapenet only: this row is LeNet-5 through @tapenet/zoo, @tapenet/layers and @tapenet/optim (how tapenet users write it); ${peer}'s LeNet-5 is on the LeNet-5 train step row`;

/**
 * The error a peer gives for a zoo-model row: the model comes from @tapenet/zoo, and apps/bench has no
 * port of it for that library (only LeNet-5 is ported to every peer).
 */
export const noZooPort = (model: string, peer: string): string =>
  `no ${model} port: apps/bench has no ${model} written for ${peer} (the row's model comes from @tapenet/zoo, which only tapenet runs)`;
