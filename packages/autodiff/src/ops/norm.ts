/**
 * @file batchNorm with batch statistics as one primitive: the forward is one kernel call, and so is the
 * VJP whenever no tape records it. Written out in elementwise ops and reductions, the same maths makes
 * about twenty full-size passes forward and backward.
 */
import { fmt, ShapeError } from '../errors.js';
import { isRecording } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { callKeeping, defineOp, runUnrecorded } from './def.js';
import { add, mul, rsqrt, square, sub } from './elementwise.js';
import { reshape } from './movement.js';
import { mean, sum } from './reduce.js';
import { checkOptions, describeValue } from '../validate.js';
import { checkFloat, checkTensor } from './util.js';

/** Every axis but the channel axis 1. */
const statAxes = (x: Tensor): number[] => x.shape.map((_, i) => i).filter((i) => i !== 1);

// y = x̂·w + b with x̂ = (x − μ)·r, r = 1/√(σ² + eps), μ and σ² (biased) over every axis but 1:
// b̄ = Σ ȳ, w̄ = Σ ȳ·x̂, x̄ = w·r·(ȳ − mean(ȳ) − x̂·mean(ȳ·x̂)) (μ and σ² depend on x, hence the means).
export const batchNormDef = defineOp({
  name: 'batchNorm',
  differentiable: true,
  forward: (k, [x, w, b], { eps }) => {
    const { y, mean: mu, variance } = k.batchNorm(x!, w!, b!, eps);
    return { out: y, residuals: [mu, variance] };
  },
  vjp: (g, { inputs: [x, w], attrs: { eps }, needs, residuals: [mu, variance] }) => {
    if (!isRecording()) {
      const [dx, dw, db] = runUnrecorded([g, x!, w!, mu!, variance!], (k, [gk, xk, wk, mk, vk]) => {
        const r = k.batchNormBackward(gk!, xk!, wk!, mk!, vk!, eps);
        return [r.dx, r.dWeight, r.dBias];
      });
      return [needs[0] ? dx! : null, needs[1] ? dw! : null, needs[2] ? db! : null];
    }
    // A tape records this VJP (a gradient of a gradient): the same maths in differentiable ops, with the
    // statistics recomputed from x, since the residuals carry no gradient.
    const axes = statAxes(x!);
    const keep = { keepDims: true };
    const xc = sub(x!, mean(x!, axes, keep));
    const r = rsqrt(add(mean(square(xc), axes, keep), eps));
    const xhat = mul(xc, r);
    const gx = mul(g, xhat);
    const perChannel = reshape(
      w!,
      x!.shape.map((d, i) => (i === 1 ? d : 1)),
    );
    const dx = mul(mul(r, perChannel), sub(sub(g, mean(g, axes, keep)), mul(xhat, mean(gx, axes, keep))));
    return [needs[0] ? dx : null, needs[1] ? sum(gx, axes) : null, needs[2] ? sum(g, axes) : null];
  },
});

export type BatchNormOptions = {
  /** Added to the variance before the square root (default 1e-5, PyTorch's). */
  readonly eps?: number;
};

/** batchNorm's output and the batch statistics it normalised with. */
export type BatchNormOutput = {
  readonly y: Tensor;
  /** Each channel's batch mean, `[C]`; carries no gradient (for running statistics). */
  readonly mean: Tensor;
  /** Each channel's biased batch variance (divided by n = size/C), `[C]`; carries no gradient. */
  readonly variance: Tensor;
};

/**
 * Batch normalisation with batch statistics (training mode) over every axis but axis 1 of x `[N, C, ...]`:
 * `y = (x − μ)/√(σ² + eps)·weight + bias`, μ and σ² each channel's mean and biased variance. Gradients
 * flow to x, weight and bias (through μ and σ² too), to any order.
 * @example const { y, mean, variance } = batchNorm(x, weight, bias, { eps: 1e-5 });
 */
export function batchNorm(x: Tensor, weight: Tensor, bias: Tensor, opts?: BatchNormOptions): BatchNormOutput {
  const op = 'batchNorm';
  const eps = checkOptions(op, 'opts', opts).eps ?? 1e-5;
  checkFloat(op, 'x', checkTensor(op, 'x', x));
  checkTensor(op, 'weight', weight);
  checkTensor(op, 'bias', bias);
  if (x.rank < 2) throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}; expected [N, C, ...]`);
  const c = x.shape[1]!;
  if (x.size === 0)
    throw new ShapeError(op, 'x', `has shape ${fmt(x.shape)}: a channel with no values has no statistics`);
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t.rank !== 1 || t.shape[0] !== c) {
      throw new ShapeError(
        op,
        name,
        `has shape ${fmt(t.shape)}; expected [${c}] (one per channel of x ${fmt(x.shape)})`,
      );
    }
    if (t.dtype !== x.dtype) throw new ShapeError(op, name, `has dtype ${t.dtype} but x has ${x.dtype}`);
  }
  if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps)))
    throw new ShapeError(op, 'eps', `must be a finite number ≥ 0; got ${describeValue(eps)}`);
  const { out, residuals } = callKeeping(batchNormDef, [x, weight, bias], { eps });
  return { y: out, mean: residuals[0]!, variance: residuals[1]! };
}
