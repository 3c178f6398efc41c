/** @file Minimal types for the parts of convnetjs 0.3 (untyped CommonJS) that the benchmark uses. */
declare module 'convnetjs' {
  /** A 3-D volume `sx × sy × depth`, stored HWC: index `((sx·y) + x)·depth + d`; values and gradients. */
  export interface Vol {
    sx: number;
    sy: number;
    depth: number;
    w: Float64Array;
    dw: Float64Array;
  }
  export interface Layer {
    layer_type: string;
    forward(v: Vol, isTraining?: boolean): Vol;
    backward(): void;
  }
  /** conv and fc layers: one filter volume per output channel (neuron) and one bias volume. */
  export interface ParamLayer extends Layer {
    filters: Vol[];
    biases: Vol;
  }
  type In = { in_sx: number; in_sy: number; in_depth: number };
  export type ConvOptions = In & { sx: number; filters: number; stride: number; pad: number };
  export type PoolOptions = In & { sx: number; stride: number };
  export type FcOptions = In & { num_neurons: number };
  export type LayerDef =
    | { type: 'input'; out_sx: number; out_sy: number; out_depth: number }
    | { type: 'conv'; sx: number; filters: number; stride: number; pad: number; activation?: 'relu' }
    | { type: 'pool'; sx: number; stride: number }
    | { type: 'fc'; num_neurons: number; activation?: 'relu' }
    | { type: 'softmax'; num_classes: number };
  export interface Net {
    layers: (Layer | ParamLayer)[];
    makeLayers(defs: LayerDef[]): void;
  }
  export type TrainerOptions = {
    method: 'sgd';
    learning_rate: number;
    batch_size: number;
    momentum: number;
    l1_decay: number;
    l2_decay: number;
  };
  export interface Trainer {
    /** Forward and backward for one sample; applies the update every `batch_size` calls. */
    train(x: Vol, y: number): { loss: number; cost_loss: number };
  }
  export interface ConvNetJs {
    Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
    ConvLayer: new (o: ConvOptions) => ParamLayer;
    PoolLayer: new (o: PoolOptions) => Layer;
    FullyConnLayer: new (o: FcOptions) => ParamLayer;
    Net: new () => Net;
    Trainer: new (net: Net, o: TrainerOptions) => Trainer;
  }
  const convnetjs: ConvNetJs;
  export default convnetjs;
}
