/** @file Activation maximisation and deep dream raise their objectives; roll is a wrap-around shift. */
import { fc, test } from '@fast-check/vitest';
import { key, mean, random, square, tensor } from '@tapenet/autodiff';
import { conv2d, dense, flatten, forwardTo, named, relu, residual } from '@tapenet/layers';
import { describe, expect, it } from 'vitest';
import { ascend, channelMean, dream, maximizeActivation, roll } from './maximize.js';

const model = named({ conv: conv2d({ out: 4, kernel: 3 }), act: relu, flatten, fc: dense(3) });

describe('maximizeActivation', () => {
  test.prop([fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 3 })], { numRuns: 8 })(
    'raises the target channel’s mean activation at every step (no jitter or blur; the objective is convex)',
    (seed, channel) => {
      const { params, state } = model.init(key(seed), [1, 8, 8]);
      const forward = (x: Parameters<typeof channelMean>[0]) => forwardTo(model, params, state, x, 'act');
      const { history, image } = maximizeActivation({
        forward,
        channel,
        shape: [1, 8, 8],
        key: key(seed + 1),
        steps: 6,
        lr: 0.1,
        jitter: 0,
        blurEvery: 0,
      });
      expect(history).toHaveLength(7);
      for (let i = 1; i < history.length; i++) expect(history[i]!).toBeGreaterThanOrEqual(history[i - 1]!);
      if (history[0]! > 0) expect(history[6]!).toBeGreaterThan(history[0]!);
      expect(channelMean(forward(image), channel).item()).toBeCloseTo(history[6]!, 5);
    },
  );

  it('with jitter and blur still ends far above where it starts, and is reproducible from its key', () => {
    const { params, state } = model.init(key(7), [1, 8, 8]);
    const forward = (x: Parameters<typeof channelMean>[0]) => forwardTo(model, params, state, x, 'act');
    const run = () =>
      maximizeActivation({
        forward,
        channel: 1,
        shape: [1, 8, 8],
        key: key(8),
        steps: 16,
        lr: 0.1,
        jitter: 1,
        blurEvery: 4,
        noise: 1,
      });
    expect(run().history[0]).toBeGreaterThan(0); // the channel is alive at the start
    const a = run();
    expect(a.history.at(-1)!).toBeGreaterThan(a.history[0]! * 1.5);
    expect(run().image.toArray()).toEqual(a.image.toArray());
  });

  it('can target a dense unit (class visualisation)', () => {
    const { params, state } = model.init(key(9), [1, 8, 8]);
    const forward = (x: Parameters<typeof channelMean>[0]) => model.apply(params, state, x, { train: false }).y;
    const { history } = maximizeActivation({
      forward,
      channel: 2,
      shape: [1, 8, 8],
      key: key(10),
      steps: 8,
      jitter: 0,
    });
    expect(history.at(-1)!).toBeGreaterThan(history[0]!);
  });

  it('names bad arguments', () => {
    const forward = (x: Parameters<typeof channelMean>[0]) => x;
    expect(() => maximizeActivation({ forward, channel: 5, shape: [1, 4, 4], key: key(0), steps: 1 })).toThrow(
      /channel 5 is not in \[0, 1\)/,
    );
    expect(() => maximizeActivation({ forward, channel: 0, shape: [4, 4], key: key(0) })).toThrow(
      /must be \[C, H, W\]/,
    );
    expect(() => ascend(mean, tensor([[1]]), { jitter: 0 })).toThrow(/start has shape \[1, 1\]; expected one image/);
    expect(() => ascend(mean, random.normal(key(0), [1, 1, 2, 2]), { lr: 0 })).toThrow(/lr must be > 0/);
  });
});

describe('a layer nested inside the model', () => {
  it('maximises a channel of a conv inside a residual block, reached by its dotted path', () => {
    const net = named({
      stem: conv2d({ out: 3, kernel: 3, padding: 1 }),
      block: residual(named({ conv1: conv2d({ out: 3, kernel: 3, padding: 1 }), act: relu })),
      flatten,
      fc: dense(2),
    });
    const { params, state } = net.init(key(14), [1, 8, 8]);
    const forward = (x: Parameters<typeof channelMean>[0]) => forwardTo(net, params, state, x, 'block.act');
    const { history } = maximizeActivation({
      forward,
      channel: 1,
      shape: [1, 8, 8],
      key: key(15),
      steps: 6,
      jitter: 0,
    });
    expect(forward(random.normal(key(0), [1, 1, 8, 8])).shape).toEqual([1, 3, 8, 8]);
    expect(history.at(-1)!).toBeGreaterThan(history[0]!);
  });
});

describe('dream', () => {
  it('amplifies the layer’s mean squared activation starting from a real image', () => {
    const { params, state } = model.init(key(11), [1, 8, 8]);
    const forward = (x: Parameters<typeof channelMean>[0]) => forwardTo(model, params, state, x, 'act');
    const image = random.uniform(key(12), [1, 1, 8, 8]);
    const { history } = dream({ forward, image, steps: 5, jitter: 0 });
    expect(history[0]).toBeCloseTo(mean(square(forward(image))).item(), 6);
    expect(history.at(-1)!).toBeGreaterThan(history[0]! * 1.5);
    const jittered = dream({ forward, image, steps: 5, key: key(13), jitter: 1 }).history;
    expect(jittered.at(-1)!).toBeGreaterThan(history[0]! * 1.5);
  });
});

describe('roll', () => {
  test.prop([fc.integer({ min: -7, max: 7 }), fc.integer({ min: 0, max: 3 })])(
    'undoes itself and wraps around',
    (s, axis) => {
      const x = random.normal(key(1), [2, 3, 4, 5]);
      expect(roll(roll(x, s, axis), -s, axis).toArray()).toEqual(x.toArray());
      expect(roll(x, x.shape[axis]!, axis).toArray()).toEqual(x.toArray());
    },
  );
  it('moves elements forward', () => {
    expect(roll(tensor([1, 2, 3, 4]), 1, 0).toArray()).toEqual([4, 1, 2, 3]);
  });
});
