/**
 * @file Public surface of @tapenet/train: the training loop (`fit`, `evaluate`, the pure step functions),
 * checkpoints (safetensors + JSON metadata, atomic, verified) and the safetensors reader/writer.
 */
export {
  type CheckpointError,
  type CheckpointErrorKind,
  CheckpointException,
  type Difference,
  formatCheckpointError,
  formatDifference,
} from './checkpoint/errors.js';
export {
  type CheckpointContent,
  type LoadedCheckpoint,
  loadCheckpoint,
  type ReadCheckpointOptions,
  loadCheckpointOrThrow,
  readCheckpoint,
  readCheckpointOrThrow,
  restoreCheckpoint,
  restoreCheckpointOrThrow,
  type StoredCheckpoint,
  saveCheckpoint,
  verifyCheckpoint,
} from './checkpoint/io.js';
export { isJsonObject, type JsonObject, type JsonValue } from './checkpoint/json.js';
export { OPTIMIZER_FORMAT, type OptimizerFileRef } from './checkpoint/optimizer-file.js';
export {
  type LoadedStateDict,
  type LoadStateDictOptions,
  loadStateDict,
  loadStateDictOrThrow,
  restoreStateDict,
  type StateDictReport,
  type StateDictTemplate,
} from './checkpoint/state-dict.js';
export { CHECKPOINT_FORMAT, type CheckpointMeta, type StoredMeta } from './checkpoint/metadata.js';
export { type CheckpointTrees, OPTIMIZER_PREFIX } from './checkpoint/tensors.js';
export { type EvaluateOptions, type EvaluateResult, evaluate } from './evaluate.js';
export { fit } from './fit.js';
export { checkpointFile } from './fit-checkpoint.js';
export { decodeProgress } from './fit-progress.js';
export type {
  BatchInfo,
  Best,
  Callbacks,
  CheckpointOptions,
  EarlyStopping,
  EpochRecord,
  FitOptions,
  FitProgress,
  FitResult,
  Monitor,
  SchedulePlan,
  ScheduleSpec,
  Snapshot,
  StopReason,
} from './fit-types.js';
export { addSums, batchSums, defaultTopK, EMPTY_SUMS, type MetricSums, type Metrics, summarize } from './metrics.js';
export * from './safetensors/index.js';
export {
  type EvalStep,
  type LossFn,
  makeEvalStep,
  makeTrainStep,
  type StepBatch,
  type StepConfig,
  type StepResult,
  type TrainStep,
} from './step.js';
export { tapenetVersion } from './version.js';
