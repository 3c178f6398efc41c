/**
 * @file wasm conv2d and both adjoints against the reference, on geometries that take every packing path:
 * output rows of 8+ pixels (the f32x4 im2col runs) with padding cutting into them, rows shorter than 8,
 * stride > kernel, one-sided padding, dilation, groups incl. depthwise, batch 1, odd sizes, reductions
 * longer than one KC slice, and the filter gradient's split reduction (partial sums) with its result
 * bit-identical on 1 and 2 threads.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { convCase, rand } from '../../test/arbitraries.js';
import type { Backend, Conv2dAttrs, Shape, TypedArray } from '../backend.js';
import { reference } from '../reference/index.js';
import { conv2dOutShape } from '../shape.js';
import { createWasmBackend, TINY_TUNING, type WasmBackend } from './index.js';

function ready(b: WasmBackend): WasmBackend {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  while (b.stats().readyWorkers < b.threads - 1 && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
  return b;
}

const one = createWasmBackend({ threads: 1 });
const two = ready(createWasmBackend({ threads: 2, minParallelNs: 0 }));
const tiny = ready(createWasmBackend({ threads: 2, tuning: TINY_TUNING, minParallelNs: 0 }));
afterAll(() => {
  for (const b of [one, two, tiny]) b.destroy();
});

type Pass = 'forward' | 'input' | 'filter';

interface Geometry {
  readonly x: Shape;
  readonly w: Shape;
  readonly attrs: Conv2dAttrs;
}

function run(b: Backend, pass: Pass, g: Geometry, seed: number): TypedArray {
  const y = conv2dOutShape(g.x, g.w, g.attrs);
  const x = b.upload(rand(g.x, seed).values, g.x);
  const w = b.upload(rand(g.w, seed + 1).values, g.w);
  const dy = b.upload(rand(y, seed + 2).values, y);
  const k = b.kernels;
  const out =
    pass === 'forward'
      ? k.conv2d(x, w, g.attrs)
      : pass === 'input'
        ? k.conv2dBackpropInput(dy, w, g.x, g.attrs)
        : k.conv2dBackpropFilter(x, dy, g.w, g.attrs);
  return b.read(out);
}

/** Reductions past a few hundred terms get the large-reduction tolerance (rtol 1e-2, atol 1e-3). */
function expectMatches(g: Geometry, seed = 1): void {
  const [n, , ho, wo] = conv2dOutShape(g.x, g.w, g.attrs);
  const [o, cg, kh, kw] = g.w as [number, number, number, number];
  const terms: Record<Pass, number> = {
    forward: cg * kh * kw,
    input: (o / g.attrs.groups) * kh * kw,
    filter: n * ho * wo,
  };
  for (const pass of ['forward', 'input', 'filter'] as const) {
    const want = run(reference, pass, g, seed);
    const big = terms[pass] >= 256;
    const [rtol, atol] = big ? [1e-2, 1e-3] : [1e-3, 1e-4];
    for (const b of [one, two, tiny]) {
      const got = run(b, pass, g, seed);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) {
        const ok = Math.abs(got[i]! - want[i]!) <= atol + rtol * Math.abs(want[i]!);
        if (!ok) expect.fail(`${pass} ${b.mode}: element ${i} is ${got[i]}, reference ${want[i]}`);
      }
    }
  }
}

const at = (
  stride: [number, number],
  padding: [number, number, number, number],
  dilation: [number, number] = [1, 1],
  groups = 1,
): Conv2dAttrs => ({ stride, padding, dilation, groups });

describe('wasm conv2d, conv2dBackpropInput, conv2dBackpropFilter', () => {
  it('3x3 pad 1 on 16- and 17-wide rows (f32x4 runs with padding cutting in, and ragged ones)', () => {
    expectMatches({ x: [2, 5, 9, 16], w: [6, 5, 3, 3], attrs: at([1, 1], [1, 1, 1, 1]) });
    expectMatches({ x: [1, 3, 7, 17], w: [4, 3, 3, 3], attrs: at([1, 1], [1, 1, 1, 1]) });
  });

  it('5x5 no padding (LeNet conv2 style), rows shorter than 8', () => {
    expectMatches({ x: [3, 6, 14, 14], w: [16, 6, 5, 5], attrs: at([1, 1], [0, 0, 0, 0]) });
  });

  it('stride 2 and stride > kernel', () => {
    expectMatches({ x: [2, 4, 12, 13], w: [8, 4, 3, 3], attrs: at([2, 2], [1, 1, 1, 1]) });
    expectMatches({ x: [2, 3, 11, 10], w: [5, 3, 2, 2], attrs: at([3, 4], [0, 0, 0, 0]) });
  });

  it('padding on one side only, larger than the kernel reach on the other', () => {
    expectMatches({ x: [1, 2, 10, 19], w: [3, 2, 3, 3], attrs: at([1, 1], [2, 0, 0, 3]) });
  });

  it('dilation 2 and 3 on wide rows', () => {
    expectMatches({ x: [2, 3, 12, 20], w: [4, 3, 3, 3], attrs: at([1, 1], [2, 2, 2, 2], [2, 2]) });
    expectMatches({ x: [1, 2, 13, 24], w: [3, 2, 2, 3], attrs: at([1, 1], [0, 1, 3, 0], [3, 3]) });
  });

  it('groups and depthwise', () => {
    expectMatches({ x: [2, 6, 9, 18], w: [9, 2, 3, 3], attrs: at([1, 1], [1, 1, 1, 1], [1, 1], 3) });
    expectMatches({ x: [2, 8, 10, 16], w: [8, 1, 3, 3], attrs: at([1, 1], [1, 1, 1, 1], [1, 1], 8) });
    expectMatches({ x: [1, 4, 9, 11], w: [8, 1, 3, 2], attrs: at([2, 1], [1, 0, 0, 1], [1, 2], 4) });
  });

  it('1x1 convolutions, strided (ResNet downsample)', () => {
    expectMatches({ x: [2, 16, 8, 8], w: [32, 16, 1, 1], attrs: at([2, 2], [0, 0, 0, 0]) });
  });

  it('reductions past one KC slice: Cin·KH·KW = 576 and N·HO·WO = 2048 (split filter gradient)', () => {
    expectMatches({ x: [1, 64, 6, 9], w: [5, 64, 3, 3], attrs: at([1, 1], [1, 1, 1, 1]) });
    expectMatches({ x: [2, 3, 32, 32], w: [4, 3, 3, 3], attrs: at([1, 1], [1, 1, 1, 1]) });
  });

  test.prop([fc.record({ c: fc.oneof(convCase(), convCase({ depthwise: true })), seed: fc.nat(1000) })], {
    numRuns: 25,
  })('random geometry (the conformance generator) agrees with the reference', ({ c, seed }) => {
    expectMatches({ x: c.x, w: c.w, attrs: c.attrs }, seed);
  });

  it('gives bit-identical results on 1 and 2 threads (forward and both adjoints)', () => {
    const g: Geometry = { x: [8, 8, 16, 16], w: [16, 8, 3, 3], attrs: at([1, 1], [1, 1, 1, 1]) };
    for (const pass of ['forward', 'input', 'filter'] as const) {
      const jobs = two.stats().parallelJobs;
      const a = run(one, pass, g, 3);
      const b = run(two, pass, g, 3);
      expect(two.stats().parallelJobs).toBeGreaterThan(jobs);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer)), pass).toBe(true);
    }
  });

  it('float64 runs the reference loops exactly', () => {
    const g: Geometry = { x: [1, 2, 5, 5], w: [3, 2, 3, 3], attrs: at([1, 1], [1, 1, 1, 1]) };
    const x = Float64Array.from(rand(g.x, 1).values);
    const w = Float64Array.from(rand(g.w, 2).values);
    const got = one.kernels.conv2d(one.upload(x, g.x), one.upload(w, g.w), g.attrs);
    const want = reference.kernels.conv2d(reference.upload(x, g.x), reference.upload(w, g.w), g.attrs);
    expect(got.dtype).toBe('float64');
    expect([...one.read(got)]).toEqual([...want.data]);
  });

  it('rejects shapes that do not fit the groups, naming the kernel', () => {
    const g: Geometry = { x: [1, 5, 5, 5], w: [4, 2, 3, 3], attrs: at([1, 1], [0, 0, 0, 0], [1, 1], 2) };
    expect(() => run(one, 'forward', g, 1)).toThrow(/wasm\.conv2d: .* do not fit groups=2/);
  });
});
