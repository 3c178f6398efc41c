/**
 * @file The one Backend interface: raw compute over backend-owned buffers plus shapes.
 *
 * A backend owns its storage type `D` (a typed array for `reference`, a texture for gpu.js, a block of
 * wasm memory for wasm). Kernels never mutate their inputs and always return a fresh `KTensor`. Layout is row-major;
 * images are NCHW and conv weights OIHW. Shapes are validated by callers (autodiff throws `ShapeError`
 * for user mistakes); kernels may assume valid input but still throw a plain `Error` naming the kernel
 * when something impossible arrives.
 */

/** Element types. Floating point for values, int32 for indices. */
export type DType = 'float32' | 'float64' | 'int32';
export type FloatDType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type Shape = readonly number[];

/** A buffer owned by a backend together with its logical shape and element type. */
export interface KTensor<D = unknown> {
  readonly data: D;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'erf'
  | 'erfc';

/** Arithmetic on two broadcast-compatible tensors of the same dtype. `pow` is `aᵇ`. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Comparisons; the result has the inputs' dtype and holds 1 where true, 0 where false. */
export type CompareOp = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

export type ReduceOp = 'sum' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';

/** Two numbers, for height then width. */
export type Pair = readonly [number, number];
/** Explicit padding per side: top, bottom, left, right. */
export type Padding4 = readonly [number, number, number, number];

/**
 * 2-D convolution (cross-correlation, as in PyTorch): x `[N, C, H, W]`, w `[O, C/groups, KH, KW]`,
 * y `[N, O, Ho, Wo]` with `Ho = floor((H + top + bottom - dilH*(KH-1) - 1) / strideH) + 1`.
 */
export interface Conv2dAttrs {
  readonly stride: Pair;
  readonly padding: Padding4;
  readonly dilation: Pair;
  readonly groups: number;
}

/**
 * 2-D pooling window over `[N, C, H, W]`. Padded positions never win a max and, for average pooling,
 * count towards the divisor only when `countIncludePad` is true (PyTorch's default is true).
 */
export interface Pool2dAttrs {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding4;
  readonly dilation: Pair;
}
/** What `maxPool2d` returns: the window maxima and their in-plane indices (int32), both `[N, C, Ho, Wo]`. */
export interface MaxPool2dResult<D = unknown> {
  readonly values: KTensor<D>;
  readonly indices: KTensor<D>;
}

/** What `batchNorm` returns: y (x's shape) and each channel's batch mean and biased variance, `[C]`. */
export interface BatchNormResult<D = unknown> {
  readonly y: KTensor<D>;
  readonly mean: KTensor<D>;
  readonly variance: KTensor<D>;
}

/** What `batchNormBackward` returns: the gradients of x (x's shape), weight and bias (`[C]` each). */
export interface BatchNormGrads<D = unknown> {
  readonly dx: KTensor<D>;
  readonly dWeight: KTensor<D>;
  readonly dBias: KTensor<D>;
}

export interface AvgPool2dAttrs extends Pool2dAttrs {
  readonly countIncludePad: boolean;
}

export type PadMode = 'constant' | 'edge';

/** Every kernel, generic over the backend's storage type. */
export interface Kernels<D> {
  /** Elementwise `op(x)`; float dtypes only. */
  unary(op: UnaryOp, x: KTensor<D>): KTensor<D>;
  /** Elementwise `op(a, b)` with NumPy broadcasting; `a` and `b` share a dtype. */
  binary(op: BinaryOp, a: KTensor<D>, b: KTensor<D>): KTensor<D>;
  /** Elementwise comparison with broadcasting; 1 where true, 0 where false, in the inputs' dtype. */
  compare(op: CompareOp, a: KTensor<D>, b: KTensor<D>): KTensor<D>;
  /** `cond ≠ 0 ? a : b`, all three broadcast together; the result has `a`'s dtype. */
  where(cond: KTensor<D>, a: KTensor<D>, b: KTensor<D>): KTensor<D>;
  /** Reduces over `axes` (distinct, sorted, non-negative), removing them from the shape. */
  reduce(op: ReduceOp, x: KTensor<D>, axes: readonly number[]): KTensor<D>;
  /** Index of the first max/min along `axis` (removed from the shape); int32 result. */
  argReduce(op: ArgReduceOp, x: KTensor<D>, axis: number): KTensor<D>;
  /**
   * Batched matrix product: a `[...B, M, K]` (or `[...B, K, M]` when transposeA), b `[...B, K, N]`
   * (or `[...B, N, K]` when transposeB); both rank ≥ 2; batch dims broadcast.
   */
  matmul(a: KTensor<D>, b: KTensor<D>, transposeA: boolean, transposeB: boolean): KTensor<D>;
  /**
   * 2-D convolution; `bias` `[O]`, when given, is added to every output of its channel in the same
   * kernel call (PyTorch's conv2d bias), which saves a full pass over y where the backend fuses it.
   */
  conv2d(x: KTensor<D>, w: KTensor<D>, attrs: Conv2dAttrs, bias?: KTensor<D>): KTensor<D>;
  /** Gradient of conv2d with respect to its input: dy `[N, O, Ho, Wo]`, w → dx of shape `xShape`. */
  conv2dBackpropInput(dy: KTensor<D>, w: KTensor<D>, xShape: Shape, attrs: Conv2dAttrs): KTensor<D>;
  /** Gradient of conv2d with respect to its filter: x, dy → dw of shape `wShape`. */
  conv2dBackpropFilter(x: KTensor<D>, dy: KTensor<D>, wShape: Shape, attrs: Conv2dAttrs): KTensor<D>;
  /**
   * Max pooling, `[N, C, H, W]` → `[N, C, Ho, Wo]` twice: each window's maximum (`values`, x's dtype) and
   * the flat index `h*W + w` into its `[H, W]` plane of that window's first maximum in row-major window
   * order (`indices`, int32; a NaN beats every number). A window with no tap inside the image (possible
   * only with padding or dilation wider than the image) gets -1 and -∞. The gradient scatters to the indices.
   */
  maxPool2d(x: KTensor<D>, attrs: Pool2dAttrs): MaxPool2dResult<D>;
  avgPool2d(x: KTensor<D>, attrs: AvgPool2dAttrs): KTensor<D>;
  /** Transpose of avgPool2d: spreads each dy element evenly over its window. */
  avgPool2dBackward(dy: KTensor<D>, xShape: Shape, attrs: AvgPool2dAttrs): KTensor<D>;
  /**
   * Batch normalisation with batch statistics (training mode) over every axis but axis 1: x `[N, C, ...]`
   * (float, rank ≥ 2, at least one value per channel), weight and bias `[C]`. With μ and σ² each channel's
   * mean and biased variance (dividing by n = size/C), `y = (x − μ)/√(σ² + eps)·weight + bias`.
   */
  batchNorm(x: KTensor<D>, weight: KTensor<D>, bias: KTensor<D>, eps: number): BatchNormResult<D>;
  /**
   * The gradients of batchNorm, given dy, the forward's x and weight and the mean and variance it returned:
   * with r = 1/√(σ² + eps) and x̂ = (x − μ)·r, `dBias = Σ dy`, `dWeight = Σ dy·x̂` (sums over every axis
   * but 1) and `dx = weight·r·(dy − (dBias + x̂·dWeight)/n)`.
   */
  batchNormBackward(
    dy: KTensor<D>,
    x: KTensor<D>,
    weight: KTensor<D>,
    mean: KTensor<D>,
    variance: KTensor<D>,
    eps: number,
  ): BatchNormGrads<D>;
  /**
   * `y[..., i, ...] = x[..., idx[..., i, ...], ...]` along `axis` (NumPy `take_along_axis`):
   * idx is int32 with x's rank and x's dims except along `axis`; y has idx's shape.
   */
  takeAlongAxis(x: KTensor<D>, idx: KTensor<D>, axis: number): KTensor<D>;
  /**
   * Transpose of takeAlongAxis: a zero tensor of updates' shape but with `size` along `axis`, into which
   * each `updates` element is added at position `idx` along `axis`.
   */
  scatterAddAlongAxis(updates: KTensor<D>, idx: KTensor<D>, axis: number, size: number): KTensor<D>;
  /** Pads each axis by `[before, after]` with `value` ('constant') or the nearest edge element ('edge'). */
  pad(x: KTensor<D>, pads: readonly Pair[], mode: PadMode, value: number): KTensor<D>;
  /** The block starting at `begin` with extent `size` on every axis. */
  slice(x: KTensor<D>, begin: readonly number[], size: readonly number[]): KTensor<D>;
  /** Joins same-dtype tensors along `axis`; all other dims equal. */
  concat(xs: readonly KTensor<D>[], axis: number): KTensor<D>;
  /** Permutes axes: `y.shape[i] = x.shape[perm[i]]`. */
  transpose(x: KTensor<D>, perm: readonly number[]): KTensor<D>;
  /** NumPy broadcasting of x to `shape`. */
  broadcastTo(x: KTensor<D>, shape: Shape): KTensor<D>;
  /** int32 indices `[...S]` → `[...S, depth]` with 1 at the index and 0 elsewhere (out-of-range rows all 0). */
  oneHot(indices: KTensor<D>, depth: number, dtype: FloatDType): KTensor<D>;
  /** Numerically stable softmax along `axis`. */
  softmax(x: KTensor<D>, axis: number): KTensor<D>;
  /** Numerically stable log-softmax along `axis`. */
  logSoftmax(x: KTensor<D>, axis: number): KTensor<D>;
  /** Converts element type (float → int32 truncates toward zero). */
  cast(x: KTensor<D>, dtype: DType): KTensor<D>;
}

/** Every backend's name: `reference` and `wasm` live here, `gpujs` in `@tapenet/backend-gpujs`. */
export type BackendName = 'reference' | 'gpujs' | 'wasm';

/** A place where kernels run and buffers live. */
export interface Backend<D = unknown> {
  readonly name: BackendName;
  /** What really runs, e.g. 'js' for reference, 'headlessgl' for gpu.js, 'simd-2-threads' for wasm. */
  readonly mode: string;
  /** Copies `values` into a new buffer of this backend. The dtype follows the array type. */
  upload(values: TypedArray, shape: Shape): KTensor<D>;
  /**
   * A new buffer of `shape` with every element `value`, made where the backend computes (no copy from
   * JavaScript on wasm). Optional: without it, callers upload a filled typed array.
   */
  fill?(shape: Shape, value: number, dtype: DType): KTensor<D>;
  /** Copies a buffer back into a new typed array the caller owns. */
  read(x: KTensor<D>): TypedArray;
  /** Releases a buffer early (a no-op where the garbage collector owns memory). */
  dispose(x: KTensor<D>): void;
  readonly kernels: Kernels<D>;
}

/** Names of every kernel, for conformance suites that must cover them all. */
export type KernelName = keyof Kernels<unknown>;
