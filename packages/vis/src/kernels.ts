/**
 * @file Classic hand-set image filters as `[kh, kw]` tensors: Sobel edges, Laplacian, sharpen, box and
 * Gaussian blur. They are applied as cross-correlation (as conv layers do), so the Sobel signs below are
 * the ones you see in the output: `verticalEdge` is positive where brightness rises from left to right.
 */
import { type NestedArray, type Tensor, tensor } from '@tapenet/autodiff';
import { checkInt } from './raster.js';

/** Sobel x: responds to vertical edges (a change from left to right). */
export const verticalEdge = (): Tensor =>
  tensor([
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]);

/** Sobel y: responds to horizontal edges (a change from top to bottom). */
export const horizontalEdge = (): Tensor =>
  tensor([
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ]);

/** The 4-neighbour Laplacian, a high-pass filter: zero on flat and linear regions. */
export const laplacian = (): Tensor =>
  tensor([
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ]);

/** Sharpen: the identity minus the Laplacian (weights sum to 1, so flat regions keep their value). */
export const sharpen = (): Tensor =>
  tensor([
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
  ]);

/** Box blur: the mean of a `size x size` window. */
export function boxBlur(size = 3): Tensor {
  checkInt('boxBlur', 'size', size, 1, 63);
  return tensor(new Float32Array(size * size).fill(1 / (size * size)), { shape: [size, size] });
}

/** Gaussian blur: `exp(-(u² + v²)/(2σ²))` on a `size x size` grid centred on the middle, normalised to sum 1. */
export function gaussianBlur(size = 5, sigma = 1): Tensor {
  checkInt('gaussianBlur', 'size', size, 1, 63);
  if (!(sigma > 0)) throw new RangeError(`gaussianBlur: sigma must be > 0, got ${sigma}`);
  const c = (size - 1) / 2;
  const w = new Float32Array(size * size);
  for (let u = 0; u < size; u++)
    for (let v = 0; v < size; v++) w[u * size + v] = Math.exp(-((u - c) ** 2 + (v - c) ** 2) / (2 * sigma ** 2));
  const total = w.reduce((a, b) => a + b, 0);
  return tensor(
    w.map((x) => x / total),
    { shape: [size, size] },
  );
}

/** The named filters (each a function of no arguments giving a fresh kernel). */
export const NAMED_FILTERS = {
  'vertical-edge': verticalEdge,
  'horizontal-edge': horizontalEdge,
  laplacian,
  sharpen,
  box: () => boxBlur(3),
  gaussian: () => gaussianBlur(5, 1),
} as const;

/** A filter name understood by {@link NAMED_FILTERS} and `tapenet visualize edges --filter`. */
export type FilterName = keyof typeof NAMED_FILTERS;

/** A custom kernel given as rows of numbers, e.g. `[[1, 0], [0, -1]]`, as a `[kh, kw]` tensor. */
export function customKernel(rows: readonly (readonly number[])[]): Tensor {
  const w = rows[0]?.length ?? 0;
  if (rows.length === 0 || w === 0 || rows.some((r) => r.length !== w || r.some((v) => !Number.isFinite(v)))) {
    throw new RangeError('customKernel: rows must be a non-empty rectangle of finite numbers');
  }
  return tensor(rows as NestedArray);
}
