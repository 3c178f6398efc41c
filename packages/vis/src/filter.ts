/**
 * @file Applying a hand-set filter to images with tapenet's `conv2d`, with the three classic ways to
 * handle the border: extend (replicate the edge pixels), zero padding, and crop (valid positions only).
 */
import { cast, conv2d, fmt, pad, reshape, type Tensor } from '@tapenet/autodiff';

/**
 * Border handling. For an `H x W` image and a `kh x kw` kernel:
 * - `'extend'`: pad by replicating edge pixels, output `H x W`;
 * - `'zero'`: pad with zeros, output `H x W` (edges see a dark frame);
 * - `'crop'`: only positions where the kernel fits, output `(H − kh + 1) x (W − kw + 1)`.
 * Even kernels pad one more pixel at the bottom/right.
 */
export type EdgeMode = 'extend' | 'zero' | 'crop';

/** The edge modes, in the order pictures show them. */
export const EDGE_MODES: readonly EdgeMode[] = ['extend', 'zero', 'crop'];

/** The output `[height, width]` of filtering an `h x w` image with a `kh x kw` kernel in `mode`. */
export function filteredSize(h: number, w: number, kh: number, kw: number, mode: EdgeMode): readonly [number, number] {
  return mode === 'crop' ? [h - kh + 1, w - kw + 1] : [h, w];
}

/**
 * Filters every channel of `image` (`[H, W]`, `[C, H, W]` or `[N, C, H, W]`) with `kernel` (`[kh, kw]`),
 * as cross-correlation `y[i, j] = Σ_uv k[u, v]·x[i + u − top, j + v − left]`; the result has the input's
 * rank and the sizes of {@link filteredSize}. Runs on the active backend and is differentiable.
 * @example applyFilter(digit, verticalEdge(), { edge: 'extend' }) // [28, 28] → [28, 28]
 */
export function applyFilter(image: Tensor, kernel: Tensor, options: { readonly edge?: EdgeMode } = {}): Tensor {
  const edge = options.edge ?? 'extend';
  if (!['extend', 'zero', 'crop'].includes(edge)) {
    throw new RangeError(`applyFilter: edge must be 'extend', 'zero' or 'crop', got '${edge}'`);
  }
  if (kernel.rank !== 2) throw new RangeError(`applyFilter: kernel has shape ${fmt(kernel.shape)}; expected [kh, kw]`);
  const s = image.shape;
  if (s.length < 2 || s.length > 4) {
    throw new RangeError(`applyFilter: image has shape ${fmt(s)}; expected [H, W], [C, H, W] or [N, C, H, W]`);
  }
  const [h, w] = s.slice(-2) as [number, number];
  const [kh, kw] = kernel.shape as [number, number];
  if (edge === 'crop' && (kh > h || kw > w)) {
    throw new RangeError(
      `applyFilter: kernel ${kh}x${kw} is larger than the ${h}x${w} image, so 'crop' leaves nothing`,
    );
  }
  const planes = s.slice(0, -2).reduce((a, b) => a * b, 1);
  const x = reshape(image, [planes, 1, h, w]);
  const k = reshape(kernel.dtype === image.dtype ? kernel : cast(kernel, image.dtype), [1, 1, kh, kw]);
  const [top, left] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
  const sides = [top, kh - 1 - top, left, kw - 1 - left] as const;
  const y =
    edge === 'crop'
      ? conv2d(x, k)
      : edge === 'zero'
        ? conv2d(x, k, { padding: sides })
        : conv2d(
            pad(
              x,
              [
                [0, 0],
                [0, 0],
                [sides[0], sides[1]],
                [sides[2], sides[3]],
              ],
              'edge',
            ),
            k,
          );
  const [ho, wo] = filteredSize(h, w, kh, kw, edge);
  return reshape(y, [...s.slice(0, -2), ho, wo]);
}
