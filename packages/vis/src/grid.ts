/**
 * @file A labelled contact sheet: tiles (of any sizes) laid out row by row, each with an optional caption
 * above it, and an optional title. The engine behind filter, feature-map and misclassified pictures.
 */
import { textWidth } from './font.js';
import { BLACK, Canvas, checkInt, LINE_H, type Raster, type Rgb, WHITE } from './raster.js';

/** One picture in a grid, with an optional caption drawn above it. */
export type Tile = { readonly image: Raster; readonly label?: string };

/** Layout options of {@link renderGrid}. */
export type GridOptions = {
  /** Tiles per row (default `ceil(sqrt(n))`). */
  readonly columns?: number;
  /** Each image pixel becomes a `scale x scale` block (default 1). */
  readonly scale?: number;
  /** Pixels between cells and around the grid (default 4). */
  readonly padding?: number;
  /** A line of text above the grid. */
  readonly title?: string;
  readonly background?: Rgb;
  readonly textColor?: Rgb;
};

const CAPTION_GAP = 2;

/**
 * Lays `tiles` out in a grid. Every cell is as wide as the widest tile or caption and as tall as the
 * tallest tile (plus a caption line when any tile has one); tiles are centred in their cells.
 * @example encodePng(renderGrid(maps.map((m, i) => ({ image: m, label: String(i) })), { columns: 8, scale: 3 }))
 */
export function renderGrid(tiles: readonly Tile[], options: GridOptions = {}): Raster {
  if (tiles.length === 0) throw new RangeError('renderGrid: tiles is empty; expected at least one tile');
  const scale = options.scale ?? 1;
  const pad = options.padding ?? 4;
  const columns = Math.min(tiles.length, options.columns ?? Math.ceil(Math.sqrt(tiles.length)));
  checkInt('renderGrid', 'scale', scale, 1, 64);
  checkInt('renderGrid', 'padding', pad, 0, 256);
  checkInt('renderGrid', 'columns', columns, 1);
  const labelled = tiles.some((t) => t.label !== undefined && t.label !== '');
  const captionH = labelled ? LINE_H + CAPTION_GAP : 0;
  const cellW = Math.max(...tiles.map((t) => Math.max(t.image.width * scale, textWidth(t.label ?? ''))));
  const cellH = Math.max(...tiles.map((t) => t.image.height * scale)) + captionH;
  const titleH = options.title ? LINE_H * 2 + pad : 0;
  const rows = Math.ceil(tiles.length / columns);
  const width = Math.max(columns * (cellW + pad) + pad, options.title ? textWidth(options.title, 2) + 2 * pad : 0);
  const height = titleH + rows * (cellH + pad) + pad;
  const canvas = new Canvas(width, height, options.background ?? WHITE);
  const ink = options.textColor ?? BLACK;
  if (options.title) canvas.textCentered(width / 2, pad, options.title, ink, 2);
  tiles.forEach((t, i) => {
    const left = pad + (i % columns) * (cellW + pad);
    const top = titleH + pad + Math.floor(i / columns) * (cellH + pad);
    if (t.label) canvas.textCentered(left + cellW / 2, top, t.label, ink);
    const w = t.image.width * scale;
    canvas.blit(t.image, left + Math.floor((cellW - w) / 2), top + captionH, scale);
  });
  return canvas.toRaster();
}
