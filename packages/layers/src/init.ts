/**
 * @file Initialisers: functions `(key, shape, { fanIn, fanOut, dtype }) → Tensor`, selectable per layer
 * (`conv2d({ out: 8, kernel: 3, init: { weight: heNormal({ mode: 'fan_out' }), bias: zeros } })`).
 * Fans follow torch.nn.init: for a weight `[out, in, ...receptive]`, `fanIn = in·∏receptive` and
 * `fanOut = out·∏receptive`. The layer computes them from its weight and passes the same fans to the
 * bias initialiser, so PyTorch's default bias `U(±1/√fanIn)` works.
 */
import {
  add,
  checkNumber,
  checkOneOf,
  checkOptions,
  type FloatDType,
  full,
  type Key,
  mul,
  random,
  type Shape,
  type Tensor,
} from '@tapenet/autodiff';
import { gainOf } from './fans.js';

/** What an initialiser is told besides key and shape. */
export type Fans = { readonly fanIn: number; readonly fanOut: number; readonly dtype: FloatDType };

/** Creates one parameter tensor. Must be pure in its arguments. */
export type Initializer = (key: Key, shape: Shape, fans: Fans) => Tensor;

/** Fan mode: which fan the variance is scaled by. */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';

const fan = (f: Fans, mode: FanMode): number =>
  mode === 'fan_in' ? f.fanIn : mode === 'fan_out' ? f.fanOut : (f.fanIn + f.fanOut) / 2;

/** Gain for a nonlinearity as torch.nn.init.calculate_gain: relu √2, leakyRelu √(2/(1+slope²)), tanh 5/3, linear 1. */
export type Nonlinearity = 'linear' | 'relu' | 'tanh' | 'sigmoid' | { readonly leakyRelu: number };

const FAN_MODES: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg'];

/** Validates an initialiser's options: each named field a finite number when given. */
function numbers<O extends object>(op: string, opts: O | undefined, names: readonly (keyof O & string)[]): O {
  const o = checkOptions(op, 'opts', opts);
  for (const n of names) if (o[n] !== undefined) checkNumber(op, n, o[n]);
  return o;
}

/** `x ~ N(mean, std²)`. @example dense(10, { init: { weight: normal({ std: 0.01 }) } }) (torchvision's VGG classifier) */
export const normal = (opts?: { readonly mean?: number; readonly std?: number }): Initializer => {
  const { mean = 0, std = 1 } = numbers('normal', opts, ['mean', 'std']);
  return (k, shape, { dtype }) => random.normal(k, shape, mean, std, { dtype });
};

/** `x ~ U[low, high)`. */
export const uniform = (opts?: { readonly low?: number; readonly high?: number }): Initializer => {
  const { low = 0, high = 1 } = numbers('uniform', opts, ['low', 'high']);
  return (k, shape, { dtype }) => random.uniform(k, shape, low, high, { dtype });
};

/**
 * Normal truncated to the absolute bounds `[a, b]` (torch.nn.init.trunc_normal_, default a = −2, b = 2):
 * `mean + std·z`, z a standard normal truncated to `[(a − mean)/std, (b − mean)/std]`.
 */
export const truncatedNormal = (opts?: {
  readonly mean?: number;
  readonly std?: number;
  readonly a?: number;
  readonly b?: number;
}): Initializer => {
  const { mean = 0, std = 1, a = -2, b = 2 } = numbers('truncatedNormal', opts, ['mean', 'std', 'a', 'b']);
  return (k, shape, { dtype }) => {
    const z = random.truncatedNormal(k, shape, (a - mean) / std, (b - mean) / std, { dtype });
    return add(mul(z, std), mean);
  };
};

/** All `v`. */
export const constant = (v: number): Initializer => {
  checkNumber('constant', 'v', v, false);
  return (_k, shape, { dtype }) => full(shape, v, dtype);
};

/** All zeros. */
export const zeros: Initializer = constant(0);
/** All ones. */
export const ones: Initializer = constant(1);

type VarianceOpts = { readonly mode?: FanMode; readonly gain?: number };

/** Normal with `std = gain/√fan` (variance scaling). */
export const varianceScalingNormal = (opts?: VarianceOpts): Initializer => {
  const { mode, gain } = varianceOpts('varianceScalingNormal', opts);
  return (k, shape, fans) => random.normal(k, shape, 0, gain / Math.sqrt(fan(fans, mode)), { dtype: fans.dtype });
};

/** Uniform on `±gain·√(3/fan)` (so the std is `gain/√fan`). */
export const varianceScalingUniform = (opts?: VarianceOpts): Initializer => {
  const { mode, gain } = varianceOpts('varianceScalingUniform', opts);
  return (k, shape, fans) => {
    const bound = gain * Math.sqrt(3 / fan(fans, mode));
    return random.uniform(k, shape, -bound, bound, { dtype: fans.dtype });
  };
};

function varianceOpts(op: string, opts: VarianceOpts | undefined): { mode: FanMode; gain: number } {
  const o = numbers(op, opts, ['gain']);
  return { mode: checkOneOf(op, 'mode', o.mode ?? 'fan_in', FAN_MODES), gain: o.gain ?? 1 };
}

type HeOpts = { readonly mode?: 'fan_in' | 'fan_out'; readonly nonlinearity?: Nonlinearity };

/** Kaiming normal (He et al. 2015): `std = gain/√fan`, default mode 'fan_in', nonlinearity relu (gain √2). */
export const heNormal = (opts?: HeOpts): Initializer => varianceScalingNormal(heOpts('heNormal', opts));

/** Kaiming uniform: `U(±gain·√(3/fan))`, default mode 'fan_in', nonlinearity relu. */
export const heUniform = (opts?: HeOpts): Initializer => varianceScalingUniform(heOpts('heUniform', opts));

function heOpts(op: string, opts: HeOpts | undefined): VarianceOpts {
  const o = checkOptions(op, 'opts', opts);
  const mode = checkOneOf(op, 'mode', o.mode ?? 'fan_in', ['fan_in', 'fan_out'] as const);
  return { mode, gain: gainOf(o.nonlinearity ?? 'relu') };
}

/** Glorot/Xavier normal: `std = gain·√(2/(fanIn + fanOut))`. */
export const glorotNormal = (opts?: { readonly gain?: number }): Initializer =>
  varianceScalingNormal({ mode: 'fan_avg', gain: numbers('glorotNormal', opts, ['gain']).gain ?? 1 });

/** Glorot/Xavier uniform: `U(±gain·√(6/(fanIn + fanOut)))`. */
export const glorotUniform = (opts?: { readonly gain?: number }): Initializer =>
  varianceScalingUniform({ mode: 'fan_avg', gain: numbers('glorotUniform', opts, ['gain']).gain ?? 1 });

/** LeCun normal: `std = 1/√fanIn`. */
export const lecunNormal = (): Initializer => varianceScalingNormal({ mode: 'fan_in', gain: 1 });

/** LeCun uniform: `U(±√(3/fanIn))`. */
export const lecunUniform = (): Initializer => varianceScalingUniform({ mode: 'fan_in', gain: 1 });

/**
 * PyTorch's default for `nn.Conv2d`/`nn.Linear` weights: `kaiming_uniform_(w, a=√5)`, i.e. gain
 * `√(2/(1 + 5)) = 1/√3` and bound `gain·√(3/fanIn) = 1/√fanIn`: `U(±1/√fanIn)`.
 */
export const torchDefaultWeight: Initializer = (k, shape, fans) => {
  const bound = 1 / Math.sqrt(fans.fanIn);
  return random.uniform(k, shape, -bound, bound, { dtype: fans.dtype });
};

/** PyTorch's default bias for `nn.Conv2d`/`nn.Linear`: `U(±1/√fanIn)` with the weight's fanIn (0 when fanIn = 0). */
export const torchDefaultBias: Initializer = (k, shape, fans) => {
  const bound = fans.fanIn > 0 ? 1 / Math.sqrt(fans.fanIn) : 0;
  return random.uniform(k, shape, -bound, bound, { dtype: fans.dtype });
};

/** Weight and bias initialisers of a layer. */
export type WeightBiasInit = { readonly weight?: Initializer; readonly bias?: Initializer };
