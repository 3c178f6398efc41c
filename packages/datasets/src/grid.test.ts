/** @file `tileImages`: layout, channel interleaving, rounding and clamping. */
import { describe, expect, it } from 'vitest';
import { tileImages } from './grid.js';

describe('tileImages', () => {
  it('lays images out row by row with padding, interleaving RGB channels', () => {
    // Three 1x1 RGB images: (10, 20, 30), (40, 50, 60), (70, 80, 90); two columns, padding 1, background 7.
    const data = Float32Array.of(10, 20, 30, 40, 50, 60, 70, 80, 90);
    const r = tileImages({ data, shape: [3, 3, 1, 1] }, { columns: 2, padding: 1, background: 7 });
    expect([r.width, r.height, r.channels]).toEqual([5, 5, 3]);
    const at = (x: number, y: number) => [...r.data.subarray((y * 5 + x) * 3, (y * 5 + x) * 3 + 3)];
    expect(at(1, 1)).toEqual([10, 20, 30]);
    expect(at(3, 1)).toEqual([40, 50, 60]);
    expect(at(1, 3)).toEqual([70, 80, 90]);
    expect(at(3, 3)).toEqual([7, 7, 7]);
    expect(at(0, 0)).toEqual([7, 7, 7]);
  });

  it('rounds and clamps float pixels, and defaults to a square-ish grid', () => {
    const r = tileImages({ data: Float32Array.of(-3, 12.6, 300, 255), shape: [4, 1, 1, 1] }, { padding: 0 });
    expect([r.width, r.height]).toEqual([2, 2]);
    expect([...r.data]).toEqual([0, 13, 255, 255]);
  });

  it('rejects other channel counts', () => {
    expect(() => tileImages({ data: new Uint8Array(2), shape: [1, 2, 1, 1] })).toThrow(/1 or 3 channels/);
  });
});
