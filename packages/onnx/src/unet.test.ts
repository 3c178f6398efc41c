/**
 * @file A tiny U-Net-style encoder-decoder from layers' parts (conv, groupNorm, max pooling down,
 * convTranspose2d and bilinear upsampling up, skip connections concatenated with fanOut / fanInConcat):
 * its shapes from `summary`, a few training steps whose loss falls, and its ONNX export run in ONNX
 * Runtime against tapenet's own output. The same model is the layers README's encoder-decoder example.
 */
import { key, mean, mul, random, square, sub, type Tensor, treeMap, valueAndGrad } from '@tapenet/autodiff';
import {
  conv2d,
  convTranspose2d,
  fanInConcat,
  fanOut,
  groupNorm,
  identity,
  type Layer,
  maxPool2d,
  parallel,
  relu,
  serial,
  summary,
  upsample,
} from '@tapenet/layers';
import { describe, expect, it } from 'vitest';
import { agreement, TOLERANCE } from '../test/helpers.js';

const block = (out: number) => serial(conv2d({ out, kernel: 3, padding: 1 }), groupNorm(2), relu);
/** x ↦ concat(x, up(inner(down(x)))) along channels. */
const skip = (inner: Layer<unknown, unknown>, up: Layer<unknown, unknown>) =>
  serial(fanOut(2), parallel(identity, serial(maxPool2d(2), inner, up)), fanInConcat(1));

const unet = serial(
  block(4),
  skip(
    serial(block(8), skip(block(16), serial(upsample({ scaleFactor: 2, mode: 'bilinear' }), block(8)))),
    serial(convTranspose2d({ out: 4, kernel: 2, stride: 2 })),
  ),
  block(4),
  conv2d({ out: 1, kernel: 1 }),
);

describe('a U-Net-style encoder-decoder', () => {
  it('summary infers every shape: 8x8 → 4x4 → 2x2 and back, skips concatenated', () => {
    const info = summary(unet, [1, 8, 8]);
    expect(unet.describe([1, 8, 8]).outShape).toEqual([1, 8, 8]);
    const shapes = new Map(info.rows.map((r) => [r.path, r.outShape]));
    expect(shapes.get('1.1.1.1.1.1.1.1')).toEqual([16, 2, 2]); // the bottleneck block
    expect(shapes.get('1.1.1.1.1.1.1.2.0')).toEqual([16, 4, 4]); // bilinear ×2 up from 2x2
    expect(shapes.get('1.1.1.1.1.2')).toEqual([16, 4, 4]); // the inner skip: 8 + 8 channels
    expect(shapes.get('1.1.1.2')).toEqual([4, 8, 8]); // convTranspose2d from 4x4
    expect(shapes.get('1.2')).toEqual([8, 8, 8]); // the outer skip: 4 + 4 channels
    expect(info.totals.params).toBeGreaterThan(0);
  });

  it('trains: 15 SGD steps on random data lower the loss', () => {
    let { params, state } = unet.init(key(0), [1, 8, 8]);
    const x = random.normal(key(1), [4, 1, 8, 8]);
    const target = random.uniform(key(2), [4, 1, 8, 8]);
    const loss = (p: typeof params) => {
      const { y, state: next } = unet.apply(p, state, x, { train: true, key: key(3) });
      return [mean(square(sub(y as Tensor, target))), next] as const;
    };
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const [[l, next], grads] = valueAndGrad(loss, { hasAux: true })(params);
      losses.push(l.item());
      params = treeMap((p: Tensor, g: Tensor) => sub(p, mul(g, 0.1)), params, grads);
      state = next;
    }
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
  });

  it('exports to ONNX (Conv, ConvTranspose, MatMul upsampling, MaxPool, Concat) and agrees in ONNX Runtime', async () => {
    const { params, state } = unet.init(key(4), [1, 8, 8]);
    const a = await agreement(unet, params, state, [1, 8, 8]);
    expect(a.spread).toBeGreaterThan(0);
    expect(a.rel).toBeLessThanOrEqual(TOLERANCE);
  });
});
