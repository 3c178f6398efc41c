/**
 * @file The layers of the original LeNet-5 (LeCun et al. 1998) that @tapenet/layers does not have:
 * trainable subsampling (S2, S4), the partially connected C3 (Table I) and the Euclidean RBF output.
 */
import {
  add,
  avgPool2d,
  conv2d as conv2dOp,
  fmt,
  type FloatDType,
  type Key,
  keep,
  matmul,
  mul,
  random,
  reshape,
  ShapeError,
  split,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
} from '@tapenet/autodiff';
import type { Empty, Layer, LayerInfo } from '@tapenet/layers';

type Shape = readonly number[];
type ShapeIn = Shape | readonly Shape[];

const EMPTY: Empty = Object.freeze({});

/** Narrows a layer's input shape to `[C, H, W]`, or throws a `ShapeError` naming the layer. */
function chw(layer: string, s: ShapeIn): readonly [number, number, number] {
  if (s.length !== 3 || typeof s[0] !== 'number')
    throw new ShapeError(layer, 'inShape', `${fmt(s as Shape)} must be one [C, H, W] activation (batch dim excluded)`);
  return s as unknown as readonly [number, number, number];
}

/** The dtype of a float tensor (int32 inputs are refused by the ops themselves). */
const floatOf = (x: Tensor): FloatDType => (x.dtype === 'float64' ? 'float64' : 'float32');

/** LeCun's initialisation (1998, Appendix C): `U(±2.4/F)` with F the unit's fan-in, for weights and biases. */
export const lecun98Bound = (fanIn: number): number => 2.4 / fanIn;

/** Trainable subsampling parameters: one coefficient and one bias per feature map. */
export type SubsamplingParams = { readonly weight: Tensor; readonly bias: Tensor };

/**
 * Trainable subsampling (S2, S4 of LeNet-5, LeCun et al. 1998 section II-B): each unit adds the four
 * inputs of its non-overlapping 2x2 window, multiplies the sum by a trainable coefficient and adds a
 * trainable bias, both per feature map: `y[c] = weight[c]·Σ₂ₓ₂ x[c] + bias[c]`, `[C, H, W] → [C, ⌊H/2⌋, ⌊W/2⌋]`.
 * The squashing that follows in the paper is a separate `scaledTanh` layer. Params `{ weight: [C], bias: [C] }`
 * (2C, the paper's 12 for S2 and 32 for S4), initialised to `weight = 1/4`, `bias = 0`, so it starts as
 * average pooling (the paper does not give this layer's initial values).
 * @example subsampling().describe([6, 28, 28]).outShape // [6, 14, 14]
 */
export function subsampling(): Layer<SubsamplingParams, Empty> {
  const describe = (inShape: ShapeIn): LayerInfo => {
    const [c, h, w] = chw('subsampling', inShape);
    if (h < 2 || w < 2) throw new ShapeError('subsampling', 'inShape', `${fmt([c, h, w])} is smaller than 2x2`);
    const out = [c, Math.floor(h / 2), Math.floor(w / 2)];
    return { type: 'subsampling', outShape: out, params: { weight: [c], bias: [c] }, state: EMPTY, flops: 0 };
  };
  return {
    describe,
    init: (_key, inShape, opts) => {
      const info = describe(inShape);
      const c = (info.params as { weight: Shape }).weight[0]!;
      const dtype = opts?.dtype ?? 'float32';
      const weight = tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(c).fill(0.25), { shape: [c] });
      const bias = tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(c), { shape: [c] });
      return { params: { weight, bias }, state: EMPTY, outShape: info.outShape as Shape };
    },
    apply: (p, state, x) => {
      const c = x.shape[1]!;
      const sums = mul(avgPool2d(x, 2, { stride: 2 }), 4);
      return { y: add(mul(sums, reshape(p.weight, [1, c, 1, 1])), reshape(p.bias, [1, c, 1, 1])), state };
    },
  };
}

/**
 * Table I of LeCun et al. 1998: the S2 feature maps (0–5) each C3 feature map (0–15) reads. Maps 0–5 take
 * every three contiguous S2 maps, 6–11 every four contiguous ones, 12–14 three discontinuous sets of four,
 * and map 15 all six.
 */
export const C3_TABLE: readonly (readonly number[])[] = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
  [0, 4, 5],
  [0, 1, 5],
  [0, 1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
  [0, 3, 4, 5],
  [0, 1, 4, 5],
  [0, 1, 2, 5],
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

/** Params of a partially connected convolution: one `[kh, kw]` kernel per connection, one bias per output map. */
export type PartialConvParams = { readonly weight: Tensor; readonly bias: Tensor };

/**
 * A convolution in which output map `o` reads only the input maps `table[o]` (C3 of LeNet-5 with
 * `C3_TABLE`: 60 connections of 5x5 kernels + 16 biases = 1,516 params, as the paper counts).
 * `weight: [connections, k, k]` holds the kernels in table order (output map, then input map), `bias: [out]`.
 * Applied as one dense convolution whose weight `[out, C, k, k]` is scattered from `weight` by a fixed
 * 0/1 matrix, so unconnected pairs stay exactly zero and get no parameters. Initialised with LeCun's
 * `U(±2.4/F)`, F = 25·|table[o]| (the map's fan-in).
 * @example partialConv2d(C3_TABLE, 5).describe([6, 14, 14]).outShape // [16, 10, 10]
 */
export function partialConv2d(table: readonly (readonly number[])[], kernel: number): Layer<PartialConvParams, Empty> {
  const out = table.length;
  const conns = table.reduce((a, row) => a + row.length, 0);
  const kk = kernel * kernel;
  const describe = (inShape: ShapeIn): LayerInfo => {
    const [c, h, w] = chw('partialConv2d', inShape);
    table.forEach((row, o) => {
      if (row.some((i) => !Number.isInteger(i) || i < 0 || i >= c))
        throw new ShapeError('partialConv2d', 'table', `row ${o} [${row.join(', ')}] names a map outside 0 … ${c - 1}`);
    });
    if (h < kernel || w < kernel)
      throw new ShapeError(
        'partialConv2d',
        'inShape',
        `${fmt([c, h, w])} is smaller than the ${kernel}x${kernel} kernel`,
      );
    return {
      type: 'partialConv2d',
      outShape: [out, h - kernel + 1, w - kernel + 1],
      params: { weight: [conns, kernel, kernel], bias: [out] },
      state: EMPTY,
      flops: 2 * conns * kk * (h - kernel + 1) * (w - kernel + 1),
    };
  };
  const scatters = new Map<string, Tensor>();
  /** `[out·C, conns]`: row `o·C + i` picks connection (o, i). */
  const scatter = (c: number, dtype: FloatDType): Tensor => {
    const id = `${c}/${dtype}`;
    const cached = scatters.get(id);
    if (cached !== undefined) return cached;
    const m = new (dtype === 'float64' ? Float64Array : Float32Array)(out * c * conns);
    let j = 0;
    table.forEach((row, o) => {
      for (const i of row) m[(o * c + i) * conns + j++] = 1;
    });
    // Cached for later calls: kept out of the scope (a training step's) that is open on first use.
    const t = keep(tensor(m, { shape: [out * c, conns] }));
    scatters.set(id, t);
    return t;
  };
  return {
    describe,
    init: (key, inShape, opts) => {
      const info = describe(inShape);
      const dtype = opts?.dtype ?? 'float32';
      const [kw, kb] = split(key, 2) as [Key, Key];
      const bounds = table.flatMap((row) => row.map(() => lecun98Bound(row.length * kk)));
      const wb = tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(bounds), { shape: [conns, 1, 1] });
      const bb = table.map((row) => lecun98Bound(row.length * kk));
      const biasBounds = tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(bb), { shape: [out] });
      return {
        params: {
          weight: mul(random.uniform(kw, [conns, kernel, kernel], -1, 1, { dtype }), wb),
          bias: mul(random.uniform(kb, [out], -1, 1, { dtype }), biasBounds),
        },
        state: EMPTY,
        outShape: info.outShape as Shape,
      };
    },
    apply: (p, state, x) => {
      const c = x.shape[1]!;
      const dense = reshape(matmul(scatter(c, floatOf(x)), reshape(p.weight, [conns, kk])), [out, c, kernel, kernel]);
      return { y: add(conv2dOp(x, dense), reshape(p.bias, [1, out, 1, 1])), state };
    },
  };
}

/**
 * Fixed ±1 codes for the RBF output: row `k + 1` of the Sylvester–Hadamard matrix of order 128, first
 * `dim` columns (`H[i][j] = (−1)^popcount(i & j)`). Rows are distinct and nearly orthogonal. The paper's
 * codes are stylised 7x12 bitmaps of the ASCII characters, which it does not print; these stand in for them.
 */
export function rbfCodes(numClasses: number, dim: number, dtype: FloatDType = 'float32'): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 127)
    throw new ShapeError('rbf', 'numClasses', `${numClasses} must be an integer in 1 … 127`);
  if (!Number.isInteger(dim) || dim < 1 || dim > 128) throw new ShapeError('rbf', 'dim', `${dim} must be in 1 … 128`);
  const a = new (dtype === 'float64' ? Float64Array : Float32Array)(numClasses * dim);
  for (let k = 0; k < numClasses; k++) {
    for (let j = 0; j < dim; j++) {
      let bits = (k + 1) & j;
      let parity = 0;
      while (bits) {
        parity ^= bits & 1;
        bits >>= 1;
      }
      a[k * dim + j] = parity ? -1 : 1;
    }
  }
  return tensor(a, { shape: [numClasses, dim] });
}

/**
 * The Euclidean RBF output layer of LeNet-5 (LeCun et al. 1998, eq. 7), returned negated so that larger
 * means more likely: `logit_k = −Σ_j (x_j − c_kj)²` with the fixed ±1 codes of `rbfCodes` (no trainable
 * parameters, as in the paper, where the codes are chosen by hand and kept fixed). `[D] → [numClasses]`.
 * Softmax cross-entropy on these logits is the paper's MAP criterion (eq. 9) without its constant `j` term.
 * @example rbf(10).describe([84]).outShape // [10]
 */
export function rbf(numClasses: number): Layer {
  const codes = new Map<string, Tensor>();
  const describe = (inShape: ShapeIn): LayerInfo => {
    if (inShape.length !== 1 || typeof inShape[0] !== 'number')
      throw new ShapeError('rbf', 'inShape', `${fmt(inShape as Shape)} must be [D] (batch dim excluded)`);
    rbfCodes(numClasses, inShape[0]);
    return { type: 'rbf', outShape: [numClasses], params: EMPTY, state: EMPTY, flops: 2 * inShape[0] * numClasses };
  };
  const codesFor = (dim: number, dtype: FloatDType): Tensor => {
    const id = `${dim}/${dtype}`;
    const c = codes.get(id) ?? keep(rbfCodes(numClasses, dim, dtype)); // cached: outlives the first call's scope
    codes.set(id, c);
    return c;
  };
  return {
    describe,
    init: (_key, inShape) => ({ params: EMPTY, state: EMPTY, outShape: describe(inShape).outShape as Shape }),
    apply: (_p, state, x) => {
      const dim = x.shape[1]!;
      const c = codesFor(dim, floatOf(x));
      // −‖x − c‖² = 2·x·c − ‖x‖² − ‖c‖², and ‖c‖² = dim for ±1 codes
      const y = sub(sub(mul(matmul(x, c, { transposeB: true }), 2), sum(square(x), [1], { keepDims: true })), dim);
      return { y, state };
    },
  };
}
