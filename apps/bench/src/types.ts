/** @file The shared vocabulary of the benchmark: workloads, implementations, runners and result cells. */

/** How big the workloads are: 'normal' is what the table reports; 'smoke' shrinks every size for the test. */
export type Scale = 'normal' | 'smoke';

/** Forward only, or forward plus the gradients with respect to every input. */
export type Pass = 'fwd' | 'fwdbwd';

/** Geometry of one conv2d layer (NCHW input, OIHW filter, stride 1, square kernel, symmetric padding). */
export type ConvShape = {
  readonly n: number;
  readonly c: number;
  readonly o: number;
  readonly h: number;
  readonly w: number;
  readonly k: number;
  readonly pad: number;
};

/** Geometry of one max-pool layer (NCHW, square window, stride = window, no padding). */
export type PoolShape = {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly k: number;
};

/** The zoo models that have a training-step row. */
export type ZooStepModel = 'resnet18-cifar' | 'vgg11-cifar';

/** What a workload computes; each implementation maps this onto its own API. */
export type WorkloadSpec =
  | { readonly kind: 'matmul'; readonly m: number; readonly k: number; readonly n: number }
  | { readonly kind: 'conv'; readonly pass: Pass; readonly shape: ConvShape }
  | { readonly kind: 'pool'; readonly pass: Pass; readonly shape: PoolShape }
  | { readonly kind: 'lenet-step'; readonly batch: number }
  /** The LeNet-5 step as users write it: `zoo.get('lenet5')`, `softmaxCrossEntropy`, `sgd` (tapenet only). */
  | { readonly kind: 'lenet-zoo-step'; readonly batch: number }
  | { readonly kind: 'mnist-epoch'; readonly batch: number; readonly images: number }
  | {
      readonly kind: 'zoo-step';
      /** The @tapenet/zoo registry name. */
      readonly model: ZooStepModel;
      /** The model's name in the report, e.g. 'ResNet-18-CIFAR'. */
      readonly name: string;
      readonly batch: number;
      /** Channel-width multiplier: 1 is the registry model; the smoke scale builds a narrow copy. */
      readonly width: number;
      /** One step that runs longer than this stops at its next kernel call and the cell reports a timeout. */
      readonly timeoutMs: number;
    }
  | { readonly kind: 'pending'; readonly reason: string };

export type Unit = 'GFLOP/s' | 'img/s';

/** One row of the table. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** 'quick' rows run by default; 'full' rows only with `--full`. */
  readonly set: 'quick' | 'full';
  readonly spec: WorkloadSpec;
  readonly unit: Unit;
  /** FLOPs (GFLOP/s rows) or images (img/s rows) per run; throughput = work / median time. */
  readonly work: number;
  /** How `work` was counted, printed under the table. */
  readonly formula: string;
}

/**
 * What a run read back, one group per logical result (y, dx, dw; or loss then weights). A group is one
 * host array, or several where the library has no batched tensor (convnetjs: one array per sample).
 */
export type Output = readonly (ArrayLike<number> | readonly ArrayLike<number>[])[];

/** Layout-independent fingerprint of one output group: Σv, Σ|v| and Σv². */
export type Fingerprint = { readonly sum: number; readonly abs: number; readonly sq: number };

/** A prepared workload on one implementation: inputs are allocated, `run` does the timed work. */
export interface Runner {
  /** Called before each timed sample, outside the clock (e.g. tfjs switches its global backend here). */
  activate?(): void | Promise<void>;
  /** Replaces the harness's warm-up loop where one run is too long to repeat (an MNIST epoch). */
  warmup?(): void | Promise<void>;
  /** Runs the workload once and reads every result back to the host, so the work has really finished. */
  run(): Output | Promise<Output>;
  /** Frees what `prepare` allocated. */
  dispose(): void;
}

/** One column: a tapenet backend (in one mode) or a peer library. */
export interface Impl {
  readonly id: string;
  readonly family: 'tapenet' | 'peer';
  /** What really ran, e.g. 'js', 'simd-2-threads', 'wasm simd, 1 thread'. */
  readonly mode: string;
  /** A short note for the report (precision, layout, how the workload maps onto the library). */
  readonly notes: string;
  /** Prepares a workload; throws (with a short message) when this implementation cannot run it. */
  prepare(spec: WorkloadSpec): Runner | Promise<Runner>;
}

/** An implementation that could not even be created here, and why. */
export type Unavailable = { readonly id: string; readonly reason: string };

/** The measurement of one workload on one implementation. */
export type Cell =
  | {
      readonly status: 'ok';
      /** Median wall time of one run, in milliseconds. */
      readonly medianMs: number;
      readonly minMs: number;
      readonly maxMs: number;
      /** Number of timed samples (each sample may run the workload `inner` times). */
      readonly samples: number;
      readonly inner: number;
      /** work / median, in the row's unit. */
      readonly throughput: number;
      /** Fingerprints of the first run's outputs (model rows: the loss only), to compare implementations. */
      readonly check: readonly Fingerprint[];
    }
  | { readonly status: 'error'; readonly error: string }
  | { readonly status: 'skipped'; readonly reason: string };
