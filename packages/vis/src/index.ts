/**
 * @file Public surface of @tapenet/vis: PNG pictures of networks (filters, feature maps, activation
 * maximisation, deep dream), classic hand-set filters with edge handling, and training charts. The
 * activations of any layer of any model come from `forwardTo` / `intermediates` of @tapenet/layers.
 */
export { type Bar, type BarChart, barsRaster, renderBars } from './bars.js';
export {
  blues,
  type Chart,
  confusionMatrixRaster,
  curvesRaster,
  renderConfusionMatrix,
  renderCurves,
  type Series,
} from './charts.js';
export { EDGE_MODES, type EdgeMode, applyFilter, filteredSize } from './filter.js';
export { GLYPH_H, GLYPH_W, textWidth } from './font.js';
export {
  edgeModesRaster,
  type MisclassifiedOptions,
  misclassified,
  misclassifiedRaster,
  renderEdgeModes,
  renderImage,
  renderMisclassified,
} from './gallery.js';
export { type GridOptions, renderGrid, type Tile } from './grid.js';
export {
  imageDims,
  planesToRaster,
  pngToTensor,
  type Range,
  rasterToTensor,
  resolveRange,
  tensorToRaster,
  upscale,
} from './image.js';
export {
  boxBlur,
  customKernel,
  type FilterName,
  gaussianBlur,
  horizontalEdge,
  laplacian,
  NAMED_FILTERS,
  sharpen,
  verticalEdge,
} from './kernels.js';
export {
  type AscentOptions,
  type AscentResult,
  ascend,
  channelMean,
  type DreamOptions,
  dream,
  type MaximizeOptions,
  maximizeActivation,
  roll,
} from './maximize.js';
export { encodePng, type RasterImage } from '@tapenet/autodiff/node';
export { decodePng, writePngAtomic } from './png.js';
export { BLACK, Canvas, PALETTE, type Raster, type Rgb, WHITE } from './raster.js';
export { formatTick, niceTicks, type Ticks } from './ticks.js';
export {
  type FeatureMapOptions,
  type FilterOptions,
  featureMapsRaster,
  filtersRaster,
  renderFeatureMaps,
  renderFilters,
} from './weights.js';
