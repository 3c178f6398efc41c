/** @file Batches: normalisation, shapes, epochs and their keys, augmentation, and the async prefetch. */
import { foldIn, key, random } from '@tapenet/autodiff';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbSeed, syntheticSource } from '../test/fixtures.js';
import { augment } from './augment.js';
import { batches, materialize, normalizePixels } from './batch.js';
import { fromImageDataset, take } from './dataset.js';
import type { PixelBatch } from './warp.js';

const rgb = { mean: [0.5, 0.25, 0.1], std: [0.2, 0.5, 1] };

describe('materialize', () => {
  it('normalises each channel as (v / 255 - mean) / std, and returns int32 labels and storage rows', () => {
    const ds = fromImageDataset(syntheticSource(4, [3, 2, 2]), rgb);
    const { x, y, indices } = materialize(ds, [2, 0]);
    expect(x.shape).toEqual([2, 3, 2, 2]);
    expect(x.dtype).toBe('float32');
    expect(y.dtype).toBe('int32');
    expect([...y.data()]).toEqual([2, 0]);
    expect([...indices]).toEqual([2, 0]);
    const got = x.data();
    [2, 0].forEach((row, b) => {
      for (let j = 0; j < 12; j++) {
        const c = Math.floor(j / 4);
        const v = ds.images[row * 12 + j]!;
        expect(got[b * 12 + j]).toBeCloseTo((v / 255 - rgb.mean[c]!) / rgb.std[c]!, 5);
      }
    });
  });

  it('needs a key to augment and rejects positions outside the view', () => {
    const ds = fromImageDataset(syntheticSource(3), { mean: [0], std: [1] });
    expect(() => materialize(ds, [0], { augment: augment({ flip: true }) })).toThrow(/augment needs a key/);
    expect(() => materialize(take(ds, 2), [2])).toThrow(/position 2 is outside/);
  });

  it('normalizePixels maps 0 and 255 to -mean/std and (1 - mean)/std', () => {
    const b: PixelBatch<Uint8Array> = { data: Uint8Array.of(0, 255), shape: [1, 1, 1, 2] };
    const out = normalizePixels(b, { mean: [0.1307], std: [0.3081] });
    expect(out[0]).toBeCloseTo(-0.1307 / 0.3081, 6);
    expect(out[1]).toBeCloseTo((1 - 0.1307) / 0.3081, 6);
  });
});

describe('batches', () => {
  const ds = fromImageDataset(syntheticSource(23, [1, 3, 3], 4), { mean: [0], std: [1] });
  const rows = (it: Iterable<{ indices: Int32Array }>) => [...it].map((b) => [...b.indices]);

  test.prop([fc.integer({ min: 1, max: 30 }), fc.boolean(), fc.option(arbSeed()), fc.nat({ max: 5 })])(
    'an epoch visits every example once (or all full batches with dropRemainder)',
    (batchSize, dropRemainder, seed, epoch) => {
      const stream = batches(ds, { batchSize, dropRemainder, epoch, ...(seed === null ? {} : { key: key(seed) }) });
      const got = rows(stream);
      expect(got.length).toBe(stream.length);
      expect(got.length).toBe(dropRemainder ? Math.floor(23 / batchSize) : Math.ceil(23 / batchSize));
      for (const b of got.slice(0, -1)) expect(b.length).toBe(batchSize);
      const flat = got.flat();
      expect(new Set(flat).size).toBe(flat.length);
      if (!dropRemainder) expect(flat.sort((a, b) => a - b)).toEqual([...ds.indices]);
    },
  );

  it('keeps the view order without a key, and uses permutation(foldIn(foldIn(key, epoch), 0)) with one', () => {
    expect(rows(batches(ds, { batchSize: 10 })).flat()).toEqual([...ds.indices]);
    const k = key(3);
    for (const epoch of [0, 1, 7]) {
      const order = [...random.permutation(foldIn(foldIn(k, epoch), 0), 23).data()];
      expect(rows(batches(ds, { batchSize: 10, key: k, epoch })).flat()).toEqual(order);
    }
    expect(rows(batches(ds, { batchSize: 10, key: k, shuffle: false })).flat()).toEqual([...ds.indices]);
    expect(rows(batches(ds, { batchSize: 5, key: k, epoch: 1 }))).not.toEqual(
      rows(batches(ds, { batchSize: 5, key: k })),
    );
  });

  it('is re-iterable and reproducible, and augments batch i with foldIn(foldIn(foldIn(key, epoch), 1), i)', () => {
    const aug = augment({ translate: 1, flip: true });
    const k = key(5);
    const stream = batches(ds, { batchSize: 8, key: k, epoch: 2, augment: aug });
    const once = [...stream].map((b) => [...b.x.data()]);
    expect([...stream].map((b) => [...b.x.data()])).toEqual(once);
    const third = stream.at(2);
    const augKey = foldIn(foldIn(foldIn(k, 2), 1), 2);
    expect([...third.x.data()]).toEqual([
      ...materialize(
        ds,
        [...third.indices].map((r) => r),
        { augment: aug, key: augKey },
      ).x.data(),
    ]);
    expect(() => stream.at(3)).toThrow(/batch 3 is outside 0-2/);
  });

  it('rejects bad options', () => {
    expect(() => batches(ds, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => batches(ds, { batchSize: 2, epoch: -1 })).toThrow(/epoch/);
    expect(() => batches(ds, { batchSize: 2, augment: augment({ flip: true }) })).toThrow(/augment needs a key/);
  });
});

describe('batches: async iteration with prefetch', () => {
  const ds = fromImageDataset(syntheticSource(50, [1, 4, 4], 5), { mean: [0.5], std: [0.25] });

  it('yields the same batches as the sync iterator', async () => {
    const options = { batchSize: 8, key: key(2), epoch: 1, augment: augment({ rotate: 20, flip: true }) };
    const sync = [...batches(ds, options)].map((b) => [[...b.indices], [...b.x.data()], [...b.y.data()]]);
    const async: unknown[] = [];
    for await (const b of batches(ds, options)) async.push([[...b.indices], [...b.x.data()], [...b.y.data()]]);
    expect(async).toEqual(sync);
    expect(async.length).toBe(7);
  });

  it('prepares batch i + 1 while the consumer is still working on batch i', async () => {
    const events: string[] = [];
    let prepared = 0;
    const counting = augment({ flip: true });
    const spy: typeof counting = (b, k) => {
      events.push(`prepare ${prepared++}`);
      return counting(b, k);
    };
    let i = 0;
    for await (const _ of batches(ds, { batchSize: 10, key: key(0), augment: spy })) {
      events.push(`start ${i}`);
      await new Promise<void>((resolve) => setImmediate(resolve)); // the consumer awaits its own work
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      expect(prepared).toBe(Math.min(i + 2, 5)); // the next batch is ready before the consumer asks for it
      events.push(`end ${i}`);
      i++;
    }
    expect(events.slice(0, 6)).toEqual(['prepare 0', 'start 0', 'prepare 1', 'end 0', 'start 1', 'prepare 2']);
    expect(events.length).toBe(15);
  });

  it('reports a failing batch when it is reached, and an early break leaves no unhandled rejection', async () => {
    const failing: ReturnType<typeof augment> = (b) => {
      if (b.shape[0] < 20) throw new Error('bad batch');
      return b;
    };
    const seen: number[] = [];
    const run = async () => {
      for await (const b of batches(ds, { batchSize: 20, key: key(0), augment: failing })) seen.push(b.indices.length);
    };
    await expect(run()).rejects.toThrow('bad batch');
    expect(seen).toEqual([20, 20]); // the third batch (10 examples) fails
    // Breaking at batch 1 leaves the prefetch of the failing batch 2 in flight; nobody awaits it.
    let taken = 0;
    for await (const _ of batches(ds, { batchSize: 20, key: key(0), augment: failing })) if (++taken === 2) break;
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    expect(taken).toBe(2);
  });

  it('yields nothing for an empty dataset', async () => {
    const out: unknown[] = [];
    for await (const b of batches(take(ds, 0), { batchSize: 4 })) out.push(b);
    expect(out).toEqual([]);
  });
});
