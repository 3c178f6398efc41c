/** @file Hand-set filters: responses to bars, edge-mode output sizes and border behaviour. */
import { fc, test } from '@fast-check/vitest';
import { abs, max, slice, type Tensor, tensor } from '@tapenet/autodiff';
import { describe, expect, it } from 'vitest';
import { applyFilter, EDGE_MODES, type EdgeMode, filteredSize } from './filter.js';
import { boxBlur, customKernel, gaussianBlur, horizontalEdge, laplacian, sharpen, verticalEdge } from './kernels.js';

/** A `size x size` black image with a white bar (vertical: columns 4-5; horizontal: rows 4-5). */
function bar(orientation: 'vertical' | 'horizontal', size = 10): Tensor {
  const d = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      d[y * size + x] = (orientation === 'vertical' ? x : y) >= 4 && (orientation === 'vertical' ? x : y) <= 5 ? 1 : 0;
  return tensor(d, { shape: [size, size] });
}
const peak = (t: Tensor): number => max(abs(t)).item();

describe('edge filters on bars', () => {
  it.each(EDGE_MODES)('a vertical-edge filter responds on a vertical bar and not on a horizontal one (%s)', (edge) => {
    expect(peak(applyFilter(bar('vertical'), verticalEdge(), { edge }))).toBe(4); // 1 + 2 + 1 across the step
    const h = applyFilter(bar('horizontal'), verticalEdge(), { edge: edge === 'zero' ? 'crop' : edge });
    expect(peak(h)).toBe(0);
  });

  it('a horizontal-edge filter is the mirror case', () => {
    expect(peak(applyFilter(bar('horizontal'), horizontalEdge()))).toBe(4);
    expect(peak(applyFilter(bar('vertical'), horizontalEdge()))).toBe(0);
  });

  it('the vertical-edge response is + on the rising side and − on the falling side', () => {
    const y = applyFilter(bar('vertical'), verticalEdge()).toArray() as number[][];
    expect(y[5]![3]).toBe(4); // just left of the bar: dark (column 2) → bright (column 4)
    expect(y[5]![6]).toBe(-4);
    expect(y[5]![0]).toBe(0);
  });
});

describe('edge modes', () => {
  const arbCase = fc.record({
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    edge: fc.constantFrom<EdgeMode>('extend', 'zero', 'crop'),
  });
  test.prop([arbCase], { numRuns: 40 })('produce the documented output sizes', ({ c, h, w, kh, kw, edge }) => {
    fc.pre(edge !== 'crop' || (kh <= h && kw <= w));
    const kernel = tensor(new Float32Array(kh * kw).fill(1), { shape: [kh, kw] });
    const y = applyFilter(tensor(new Float32Array(c * h * w).fill(1), { shape: [c, h, w] }), kernel, { edge });
    const expected = edge === 'crop' ? [h - kh + 1, w - kw + 1] : [h, w];
    expect(y.shape).toEqual([c, ...expected]);
    expect(filteredSize(h, w, kh, kw, edge)).toEqual(expected);
  });

  it('extend keeps a flat image flat; zero padding darkens its border; crop drops it', () => {
    const flat = tensor(new Float32Array(36).fill(1), { shape: [1, 1, 6, 6] });
    const ext = applyFilter(flat, boxBlur(3), { edge: 'extend' }).toArray() as number[][][][];
    const zero = applyFilter(flat, boxBlur(3), { edge: 'zero' }).toArray() as number[][][][];
    expect(ext.flat(3).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    expect(zero[0]![0]![0]![0]).toBeCloseTo(4 / 9, 6); // corner sees 4 of 9 pixels
    expect(zero[0]![0]![0]![2]).toBeCloseTo(6 / 9, 6);
    expect(zero[0]![0]![2]![2]).toBeCloseTo(1, 6);
    expect(applyFilter(flat, boxBlur(3), { edge: 'crop' }).shape).toEqual([1, 1, 4, 4]);
  });

  it('rejects a crop that leaves nothing, bad kernels and bad modes', () => {
    expect(() => applyFilter(tensor([[1, 2]]), boxBlur(3), { edge: 'crop' })).toThrow(/larger than the 1x2 image/);
    expect(() => applyFilter(tensor([[1, 2]]), tensor([1, 2]))).toThrow(/kernel has shape \[2\]; expected \[kh, kw\]/);
    expect(() => applyFilter(tensor([[1]]), boxBlur(1), { edge: 'wrap' as EdgeMode })).toThrow(/edge must be/);
  });
});

describe('classic kernels', () => {
  const ramp = tensor(
    Float32Array.from({ length: 64 }, (_, i) => 3 * (i % 8) + 2 * Math.floor(i / 8)),
    { shape: [8, 8] },
  );
  it('the Laplacian is zero on a linear ramp (high-pass)', () => {
    expect(peak(applyFilter(ramp, laplacian(), { edge: 'crop' }))).toBe(0);
  });
  it('sharpen and the blurs keep flat regions and ramps unchanged inside', () => {
    const inner = (t: Tensor) => slice(t, [1, 1], [6, 6]);
    for (const k of [sharpen(), boxBlur(3), gaussianBlur(3, 0.8)]) {
      const y = applyFilter(ramp, k, { edge: 'extend' });
      const diff = (inner(y).data() as Float32Array).map((v, i) => v - inner(ramp).data()[i]!);
      expect(Math.max(...diff.map(Math.abs))).toBeLessThan(1e-4);
    }
  });
  it('the Gaussian sums to 1 and peaks in the middle; custom kernels are checked', () => {
    const g = Array.from(gaussianBlur(5, 1).data());
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Math.max(...g)).toBe(g[12]);
    expect(
      customKernel([
        [1, 0],
        [0, -1],
      ]).shape,
    ).toEqual([2, 2]);
    expect(() => customKernel([[1, 0], [1]])).toThrow(/rectangle/);
    expect(() => gaussianBlur(3, 0)).toThrow(/sigma must be > 0/);
  });
});
