/**
 * @file Picture sets built from images: misclassified examples with their labels, and one image run
 * through a filter in each edge mode, side by side.
 */
import { argmax, fmt, type Tensor } from '@tapenet/autodiff';
import { EDGE_MODES, type EdgeMode, applyFilter } from './filter.js';
import { renderGrid, type Tile } from './grid.js';
import { planesToRaster, tensorToRaster } from './image.js';
import { encodePng } from '@tapenet/autodiff/node';
import type { Raster } from './raster.js';

/** The positions `i` where `argmax(logits[i]) ≠ labels[i]`, in order, at most `limit` of them. */
export function misclassified(
  logits: Tensor,
  labels: Tensor,
  limit = Number.POSITIVE_INFINITY,
): { index: number; predicted: number }[] {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new RangeError(
      `misclassified: logits ${fmt(logits.shape)} and labels ${fmt(labels.shape)} must be [N, K] and [N]`,
    );
  }
  const pred = argmax(logits, 1).data();
  const truth = labels.data();
  const out: { index: number; predicted: number }[] = [];
  for (let i = 0; i < pred.length && out.length < limit; i++) {
    if (pred[i] !== truth[i]) out.push({ index: i, predicted: pred[i]! });
  }
  return out;
}

/** Options of {@link misclassifiedRaster}. */
export type MisclassifiedOptions = { readonly scale?: number; readonly columns?: number; readonly title?: string };

/**
 * A grid of images `[N, C, H, W]` (C = 1 or 3; each mapped with its own min-max) captioned
 * `T:<true> P:<predicted>` with names from `classNames`.
 */
export function misclassifiedRaster(
  images: Tensor,
  trueLabels: readonly number[],
  predicted: readonly number[],
  classNames: readonly string[],
  options: MisclassifiedOptions = {},
): Raster {
  const [n, c, h, w] = images.shape as [number, number, number, number];
  if (images.rank !== 4 || (c !== 1 && c !== 3)) {
    throw new RangeError(
      `renderMisclassified: images has shape ${fmt(images.shape)}; expected [N, C, H, W] with C = 1 or 3`,
    );
  }
  if (trueLabels.length !== n || predicted.length !== n) {
    throw new RangeError(
      `renderMisclassified: ${n} images need ${n} true and predicted labels, got ${trueLabels.length} and ${predicted.length}`,
    );
  }
  if (n === 0) throw new RangeError('renderMisclassified: no images; expected at least one');
  const name = (i: number) => classNames[i] ?? String(i);
  const data = images.data();
  const per = c * h * w;
  const tiles: Tile[] = Array.from({ length: n }, (_, i) => ({
    image: planesToRaster(data.subarray(i * per, (i + 1) * per), c, h, w),
    label: `T:${name(trueLabels[i]!)} P:${name(predicted[i]!)}`,
  }));
  return renderGrid(tiles, {
    scale: options.scale ?? 2,
    columns: options.columns ?? Math.min(8, n),
    ...(options.title ? { title: options.title } : {}),
  });
}

/** PNG bytes of {@link misclassifiedRaster}. */
export const renderMisclassified = (
  images: Tensor,
  trueLabels: readonly number[],
  predicted: readonly number[],
  classNames: readonly string[],
  options: MisclassifiedOptions = {},
): Uint8Array => encodePng(misclassifiedRaster(images, trueLabels, predicted, classNames, options));

/**
 * One image (`[H, W]`, `[C, H, W]` or `[1, C, H, W]`) and its filtered versions in each edge mode, captioned
 * with the mode and output size, e.g. `CROP 26X26`. Filtered outputs use `'symmetric'` mapping (0 is mid
 * grey) when the kernel's weights sum to 0 (edge detectors), else min-max.
 */
export function edgeModesRaster(
  image: Tensor,
  kernel: Tensor,
  options: { readonly modes?: readonly EdgeMode[]; readonly scale?: number; readonly title?: string } = {},
): Raster {
  const ksum = Array.from(kernel.data()).reduce((a, b) => a + b, 0);
  const range = Math.abs(ksum) < 1e-6 ? 'symmetric' : 'minmax';
  const src = tensorToRaster(image);
  const tiles: Tile[] = [{ image: src, label: `INPUT ${src.height}X${src.width}` }];
  for (const mode of options.modes ?? EDGE_MODES) {
    const y = tensorToRaster(applyFilter(image, kernel, { edge: mode }), { range });
    tiles.push({ image: y, label: `${mode.toUpperCase()} ${y.height}X${y.width}` });
  }
  return renderGrid(tiles, {
    scale: options.scale ?? 4,
    columns: tiles.length,
    ...(options.title ? { title: options.title } : {}),
  });
}

/** PNG bytes of {@link edgeModesRaster}. */
export const renderEdgeModes = (
  image: Tensor,
  kernel: Tensor,
  options: { readonly modes?: readonly EdgeMode[]; readonly scale?: number; readonly title?: string } = {},
): Uint8Array => encodePng(edgeModesRaster(image, kernel, options));

/**
 * PNG bytes of one image tensor, enlarged `scale` times.
 * @example renderImage(result.image, { scale: 4 })
 */
export function renderImage(
  image: Tensor,
  options: { readonly scale?: number; readonly range?: 'minmax' | 'symmetric' } = {},
): Uint8Array {
  return encodePng(
    renderGrid([{ image: tensorToRaster(image, { range: options.range ?? 'minmax' }) }], {
      scale: options.scale ?? 1,
      padding: 0,
    }),
  );
}
