/**
 * @file Pictures of what a network holds: conv filters as a tiled grid and feature maps (activations),
 * each tile normalised on its own so weak and strong tiles are equally visible.
 */
import { fmt, type Tensor } from '@tapenet/autodiff';
import { renderGrid, type Tile } from './grid.js';
import { planesToRaster, type Range } from './image.js';
import { encodePng } from '@tapenet/autodiff/node';
import type { Raster } from './raster.js';

/** Options of {@link filtersRaster} and {@link renderFilters}. */
export type FilterOptions = {
  /** Pixels per weight (default: about 40 pixels per tile side, at most 16). */
  readonly scale?: number;
  /** Tiles per row (default: a square-ish grid; one row per filter when filters have ≠ 1, 3 channels). */
  readonly columns?: number;
  /** Caption each tile with its filter index (default true). */
  readonly labels?: boolean;
  /** Per-tile mapping (default `'minmax'`; `'symmetric'` keeps 0 at mid grey). */
  readonly range?: Range;
  readonly title?: string;
};

const defaultScale = (k: number): number => Math.max(1, Math.min(16, Math.round(40 / k)));

/**
 * The filters of a conv weight `[O, I, KH, KW]` as a grid. With I = 3 each filter is one colour tile
 * (its RGB channels share one normalisation); with I = 1 one grey tile; otherwise each filter is a row
 * of I grey tiles (normalised together, per filter), captioned `o.i`.
 */
export function filtersRaster(weight: Tensor, options: FilterOptions = {}): Raster {
  if (weight.rank !== 4) {
    throw new RangeError(
      `renderFilters: weight has shape ${fmt(weight.shape)}; expected an OIHW conv weight [O, I, KH, KW]`,
    );
  }
  const [o, i, kh, kw] = weight.shape as [number, number, number, number];
  const data = weight.data();
  const per = i * kh * kw;
  const range = options.range ?? 'minmax';
  const labels = options.labels ?? true;
  const tiles: Tile[] = [];
  for (let f = 0; f < o; f++) {
    const values = data.subarray(f * per, (f + 1) * per);
    if (i === 1 || i === 3) {
      tiles.push({ image: planesToRaster(values, i, kh, kw, range), ...(labels ? { label: String(f) } : {}) });
      continue;
    }
    const grey = planesToRaster(values, 1, i * kh, kw, range); // one normalisation per filter
    for (let c = 0; c < i; c++) {
      const image = {
        width: kw,
        height: kh,
        channels: 1 as const,
        data: grey.data.slice(c * kh * kw, (c + 1) * kh * kw),
      };
      tiles.push({ image, ...(labels ? { label: `${f}.${c}` } : {}) });
    }
  }
  const columns = options.columns ?? (i === 1 || i === 3 ? Math.ceil(Math.sqrt(o)) : i);
  return renderGrid(tiles, {
    columns,
    scale: options.scale ?? defaultScale(Math.max(kh, kw)),
    padding: 3,
    ...(options.title ? { title: options.title } : {}),
  });
}

/**
 * PNG bytes of {@link filtersRaster}: the filters of a conv layer as a tiled grid.
 * @example await writePngAtomic('filters.png', renderFilters(params.conv1.weight, { scale: 8 }))
 */
export const renderFilters = (weight: Tensor, options: FilterOptions = {}): Uint8Array =>
  encodePng(filtersRaster(weight, options));

/** Options of {@link featureMapsRaster}. */
export type FeatureMapOptions = {
  /** Pixels per activation (default: about 56 pixels per tile side, at most 16). */
  readonly scale?: number;
  readonly columns?: number;
  /** Caption each map with its channel index (default true). */
  readonly labels?: boolean;
  /** Per-map mapping (default `'minmax'`). */
  readonly range?: Range;
  readonly title?: string;
};

/**
 * The channels of one activation `[C, H, W]` or `[1, C, H, W]` as a grid of grey maps, each normalised on
 * its own and captioned with its channel index.
 */
export function featureMapsRaster(maps: Tensor, options: FeatureMapOptions = {}): Raster {
  const s = maps.shape;
  const dims = s.length === 3 ? s : s.length === 4 && s[0] === 1 ? s.slice(1) : null;
  if (dims === null) {
    throw new RangeError(`renderFeatureMaps: maps has shape ${fmt(s)}; expected [C, H, W] or [1, C, H, W]`);
  }
  const [c, h, w] = dims as [number, number, number];
  const data = maps.data();
  const labels = options.labels ?? true;
  const tiles: Tile[] = Array.from({ length: c }, (_, k) => ({
    image: planesToRaster(data.subarray(k * h * w, (k + 1) * h * w), 1, h, w, options.range ?? 'minmax'),
    ...(labels ? { label: String(k) } : {}),
  }));
  return renderGrid(tiles, {
    scale: options.scale ?? defaultScale(Math.max(h, w) * 0.7),
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.title ? { title: options.title } : {}),
  });
}

/**
 * PNG bytes of {@link featureMapsRaster}.
 * @example renderFeatureMaps(forwardTo(model, params, state, digit, 'layer1.0.conv1'), { title: 'LAYER1.0.CONV1' })
 */
export const renderFeatureMaps = (maps: Tensor, options: FeatureMapOptions = {}): Uint8Array =>
  encodePng(featureMapsRaster(maps, options));
