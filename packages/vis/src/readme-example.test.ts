/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { key, reshape, type Tensor, tensor } from '@tapenet/autodiff';
import { conv2d, forwardTo, named, relu } from '@tapenet/layers';
import { applyFilter, decodePng, maximizeActivation, verticalEdge } from './index.js';
import { renderCurves, renderFeatureMaps, renderFilters } from './index.js';

// a hand-set filter: a vertical bar lights up the vertical-edge (Sobel) filter
const bar = tensor(Array.from({ length: 8 }, () => [0, 0, 0, 1, 1, 0, 0, 0]));
const edges = applyFilter(bar, verticalEdge(), { edge: 'extend' }); // [8, 8]; 'crop' gives [6, 6]

// a conv layer: its filters, its feature maps, and an input that makes channel 2 fire
const model = named({ conv: conv2d({ out: 4, kernel: 3 }), act: relu });
const { params, state } = model.init(key(0), [1, 12, 12]);
const filtersPng = renderFilters(params.conv.weight, { scale: 8 }); // PNG bytes
const forward = (x: Tensor) => forwardTo(model, params, state, x, 'act'); // any layer's path, e.g. 'layer1.0.conv1'
const mapsPng = renderFeatureMaps(forward(reshape(bar, [1, 1, 8, 8])), { scale: 4 });
const ascent = { steps: 16, jitter: 0, blurEvery: 0 }; // no regularisers: the activation rises at every step
const { image, history } = maximizeActivation({ forward, channel: 2, shape: [1, 12, 12], key: key(1), ...ascent });

// a training curve
const curvesPng = renderCurves({
  title: 'Loss',
  xLabel: 'epoch',
  yLabel: 'cross-entropy',
  series: [
    { name: 'train', values: [0.9, 0.4, 0.3] },
    { name: 'validation', values: [0.6, 0.45, 0.41] },
  ],
});
console.log(decodePng(curvesPng).width, history[0], '→', history.at(-1)); // 640, the activation rising
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  expect(edges.shape).toEqual([8, 8]);
  expect(Math.max(...edges.data())).toBe(4);
  expect(decodePng(filtersPng).width).toBe(2 * (3 * 8 + 3) + 3); // 2 x 2 tiles of 3x3 weights at scale 8
  expect(decodePng(mapsPng).height).toBeGreaterThan(24);
  expect(image.shape).toEqual([1, 1, 12, 12]);
  expect(history.at(-1)!).toBeGreaterThan(history[0]!);
  expect(decodePng(curvesPng).width).toBe(640);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const code = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/vis'");
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(code);
});
