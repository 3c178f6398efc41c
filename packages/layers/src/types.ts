/**
 * @file The layer contract: a layer is a value with a pure `describe` (shape inference), a pure `init`
 * (parameters and state from a key) and a pure `apply` (forward pass that returns the next state).
 */
import type { FloatDType, Key, Shape, Tensor } from '@tapenet/autodiff';

/** What flows between layers: one activation, or a list of them (after `fanOut`, into `fanInSum`). */
export type Acts = Tensor | readonly Tensor[];

/** The per-example shape(s) of an activation `A`: `Shape` for a tensor, a list of shapes for a list. */
export type ShapeOf<A extends Acts> = A extends Tensor ? Shape : readonly Shape[];

/** A record with no entries: the params or state of a layer that has none. */
export type Empty = { readonly [key: string]: never };

/**
 * An observer of one forward pass: combinators call it with each child's output and the child's dotted
 * path (`layer1.0.conv1`, the same path as its params), in the order they compute them. `intermediates`
 * passes one; a tap must not change anything (the forward pass is the same with or without it).
 */
export type Tap = (path: string, y: Acts) => void;

/**
 * Options of one forward pass. `key` is needed in training mode by layers that sample (dropout); `tap`
 * observes the outputs of the children of combinators (see `Tap`).
 */
export type Ctx = { readonly train: boolean; readonly key?: Key; readonly tap?: Tap };

/** Options of `init`. */
export type InitOptions = { readonly dtype?: FloatDType };

/** A tree of shapes mirroring a params or state tree (leaves are shapes: arrays of numbers). */
export type ShapeTree = Shape | readonly ShapeTree[] | { readonly [key: string]: ShapeTree };

/** A child of a combinator, as seen by `summary`. */
export type ChildInfo = { readonly name: string; readonly info: LayerInfo };

/**
 * The result of shape inference. `flops` counts `2 × multiply-adds` of the forward pass for one example
 * (conv, dense and locally connected layers; elementwise work, pooling and normalisation count 0).
 */
export type LayerInfo = {
  /** The layer kind, e.g. `conv2d`. */
  readonly type: string;
  readonly outShape: Shape | readonly Shape[];
  readonly params: ShapeTree;
  readonly state: ShapeTree;
  readonly flops: number;
  readonly children?: readonly ChildInfo[];
};

/** What `init` returns. */
export type Initialized<P, S, O extends Acts = Tensor> = {
  readonly params: P;
  readonly state: S;
  readonly outShape: ShapeOf<O>;
};

/** What `apply` returns: the output and the next state (the given state is never mutated). */
export type Applied<S, O extends Acts = Tensor> = { readonly y: O; readonly state: S };

/**
 * A layer. Shapes exclude the batch dim: `init(key, [1, 28, 28])` prepares a layer whose `apply` takes
 * `x: [N, 1, 28, 28]`. `describe` allocates nothing and throws a `ShapeError` for an invalid
 * configuration; `init` agrees with it. Everything is pure: the same inputs give the same outputs.
 * @example
 * const net = serial(conv2d({ out: 6, kernel: 5, padding: 2 }), relu, maxPool2d(2), flatten, dense(10));
 * const { params, state } = net.init(key(0), [1, 28, 28]);
 * const { y } = net.apply(params, state, x, { train: false }); // y: [N, 10]
 */
export interface Layer<P = Empty, S = Empty, I extends Acts = Tensor, O extends Acts = Tensor> {
  /** Pure shape inference: output shape, parameter/state shapes, FLOPs. */
  describe(inShape: ShapeOf<I>): LayerInfo;
  /** Parameters and state for per-example input shape `inShape`. */
  init(key: Key, inShape: ShapeOf<I>, opts?: InitOptions): Initialized<P, S, O>;
  /** The forward pass on a batch. */
  apply(params: P, state: S, x: I, ctx: Ctx): Applied<S, O>;
  /**
   * The layers a combinator is built from, in the order `apply` runs them, each named by its key in the
   * combinator's params (`serial`: `'0'`, `'1'`, ...; `named`: your names). Absent for leaf layers. A
   * wrapper that forwards `apply` to one layer should pass its `children` on (and `ctx` unchanged).
   */
  readonly children?: readonly Child[];
}

/** A child of a combinator: its name (its key in the params, and the last part of its path) and the layer. */
export type Child = readonly [name: string, layer: AnyLayer];

/** Any layer (for combinator signatures; method parameters are checked bivariantly, so every layer fits). */
export type AnyLayer = Layer<unknown, unknown, Acts, Acts>;

/** The params type of a layer. */
export type ParamsOf<L> = L extends Layer<infer P, infer _S, infer _I, infer _O> ? P : never;
/** The state type of a layer. */
export type StateOf<L> = L extends Layer<infer _P, infer S, infer _I, infer _O> ? S : never;
/** The input activation type of a layer. */
export type InOf<L> = L extends Layer<infer _P, infer _S, infer I extends Acts, infer _O> ? I : never;
/** The output activation type of a layer. */
export type OutOf<L> = L extends Layer<infer _P, infer _S, infer _I, infer O extends Acts> ? O : never;
