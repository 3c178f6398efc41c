/**
 * @file `evaluate`: a model's loss, accuracy (and top-k) over a whole dataset in inference mode, with an
 * optional confusion matrix. Batches are made in the dataset's order (no shuffling, no augmentation).
 */
import { batches, type Dataset } from '@tapenet/datasets';
import { dispose, scope, tensor } from '@tapenet/autodiff';
import type { Layer } from '@tapenet/layers';
import { confusionMatrix, softmaxCrossEntropy } from '@tapenet/layers';
import { addSums, defaultTopK, EMPTY_SUMS, type Metrics, summarize } from './metrics.js';
import { type LossFn, makeEvalStep } from './step.js';

/** Options of {@link evaluate}. */
export type EvaluateOptions<P, S> = {
  readonly model: Layer<P, S>;
  readonly params: P;
  readonly state: S;
  readonly data: Dataset;
  /** Examples per batch (default 500). */
  readonly batchSize?: number;
  /** Default: softmax cross-entropy. */
  readonly loss?: LossFn;
  /** Top-k accuracy to report (default 5 with more than 10 classes, else none; 0 turns it off). */
  readonly topK?: number;
  /** Also count a confusion matrix (default false). */
  readonly confusion?: boolean;
  /** Called after each batch with the number of examples done (for progress bars). */
  readonly onBatch?: (done: number, total: number, running: Metrics) => void;
  /** Stops early (after the current batch) when aborted; the result covers the batches done. */
  readonly signal?: AbortSignal;
};

/** Result of {@link evaluate}: the metrics, and `confusion[i][j]` = examples of class i predicted as j. */
export type EvaluateResult = Metrics & { readonly confusion?: readonly (readonly number[])[] };

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Evaluates `model` with `params`/`state` on every example of `data`.
 * @example const { accuracy } = await evaluate({ model, params, state, data: test });
 */
export async function evaluate<P, S>(options: EvaluateOptions<P, S>): Promise<EvaluateResult> {
  const { model, params, state, data, batchSize = 500, loss = softmaxCrossEntropy, confusion = false } = options;
  const numClasses = data.classNames.length;
  const topK = options.topK ?? defaultTopK(numClasses);
  const step = makeEvalStep({ model, loss, topK });
  const matrix = confusion ? Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0)) : null;
  let sums = EMPTY_SUMS;
  for await (const batch of batches(data, { batchSize })) {
    // One scope per batch: its intermediates are released here, not when the garbage collector runs.
    const { metrics, counts } = scope(() => {
      const { metrics, predictions } = step(params, state, batch);
      // @tapenet/layers' confusionMatrix (the one definition: rows are labels), summed over batches.
      const counts =
        matrix === null
          ? null
          : confusionMatrix(tensor(predictions, { shape: [predictions.length] }), batch.y, numClasses).data();
      return { metrics, counts };
    });
    dispose(batch); // made for this loop alone
    sums = addSums(sums, metrics);
    if (matrix !== null && counts !== null) {
      matrix.forEach((row, i) => {
        for (let j = 0; j < numClasses; j++) row[j]! += counts[i * numClasses + j]!;
      });
    }
    options.onBatch?.(sums.count, data.count, summarize(sums, topK));
    if (options.signal?.aborted) break;
    await yieldToEventLoop();
  }
  const result = summarize(sums, topK);
  return matrix === null ? result : { ...result, confusion: matrix };
}
