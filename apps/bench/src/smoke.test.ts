/**
 * @file Keeps the runner from rotting: the quick set at smoke sizes, one repetition, through the same
 * code path as `pnpm bench` (parseArgs → runBench → report), must fill every row and every column with a
 * number or an error string, and the peers' LeNet ports must compute the same first loss as tapenet.
 */
import { describe, expect, test } from 'vitest';
import { parseArgs } from './args.js';
import { renderSvg } from './report/svg.js';
import { renderReport } from './report/table.js';
import { type BenchResult, runBench } from './run.js';
import { workloads } from './workloads.js';

const run = (argv: string[]): Promise<BenchResult> => runBench(parseArgs(argv, '/unused'));

const filled = (r: BenchResult): void => {
  for (const row of r.rows) {
    for (const impl of r.impls) {
      const cell = row.cells[impl.id];
      expect(cell, `${row.id} × ${impl.id}`).toBeDefined();
      if (cell?.status === 'ok') expect(cell.throughput, `${row.id} × ${impl.id}`).toBeGreaterThan(0);
      else if (cell?.status === 'error') expect(cell.error.length, `${row.id} × ${impl.id}`).toBeGreaterThan(0);
      else expect(cell?.reason.length, `${row.id} × ${impl.id}`).toBeGreaterThan(0);
    }
  }
};

describe('bench smoke', () => {
  test('quick set at smoke sizes: every row, every column, same LeNet loss', async () => {
    const r = await run(['--scale', 'smoke', '--no-write']);
    const quick = workloads('smoke').filter((w) => w.set === 'quick');
    expect(r.rows.map((row) => row.id)).toEqual(quick.map((w) => w.id));
    const ids = r.impls.map((i) => i.id);
    expect(ids).toContain('tapenet:reference');
    // The gpujs columns come from @tapenet/backend-gpujs, created explicitly (kernels has no gpujs factory).
    expect(ids).toContain('tapenet:gpujs/cpu');
    expect(ids.length + r.unavailable.length).toBeGreaterThanOrEqual(5);
    filled(r);
    for (const row of r.rows) expect(row.cells['tapenet:reference']?.status, row.id).toBe('ok');

    const lenet = r.rows.find((row) => row.id === 'lenet5-step')!;
    const loss = (id: string): number | undefined => {
      const c = lenet.cells[id];
      return c?.status === 'ok' ? c.check[0]?.sum : undefined;
    };
    const ref = loss('tapenet:reference')!;
    expect(Number.isFinite(ref)).toBe(true);
    for (const id of ['tfjs-cpu', 'jax-js', 'convnetjs']) {
      const v = loss(id);
      if (v !== undefined) expect(Math.abs(v - ref), id).toBeLessThan(1e-3 * Math.abs(ref));
    }
    expect(r.profile?.entries.length).toBeGreaterThan(0);

    // The user-level LeNet-5 step runs on every tapenet column from one init, and no peer claims it.
    const zooLenet = r.rows.find((row) => row.id === 'lenet5-zoo-step')!;
    for (const impl of r.impls) {
      const cell = zooLenet.cells[impl.id];
      if (impl.family === 'peer')
        expect(cell, impl.id).toMatchObject({ status: 'error', error: expect.stringMatching(/^tapenet only:/) });
      else if (cell?.status === 'ok') expect(zooLenet.mismatches, impl.id).not.toContain(impl.id);
    }
    expect(zooLenet.cells['tapenet:reference']?.status).toBe('ok');

    const text = renderReport(r);
    for (const row of r.rows) expect(text).toContain(row.title);
    for (const id of ids) expect(text).toContain(id);
    expect(renderSvg(r)).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });

  test('full-only rows: zoo model steps run on tapenet, peers say why not; the MNIST epoch runs or says why', async () => {
    const r = await run(['--full', '--scale', 'smoke', '--no-write', '--only', 'resnet18|vgg11|mnist']);
    expect(r.rows.map((row) => row.id)).toEqual(['resnet18-cifar-step', 'vgg11-cifar-step', 'mnist-epoch']);
    filled(r);
    for (const row of r.rows.slice(0, 2)) {
      expect(row.cells['tapenet:reference']?.status, row.id).toBe('ok');
      expect(row.best, row.id).not.toBeNull();
      // Every tapenet backend starts from the same init and batch, so the first losses agree.
      const tapenet = r.impls.filter((i) => i.family === 'tapenet').map((i) => i.id);
      expect(
        row.mismatches.filter((id) => tapenet.includes(id)),
        row.id,
      ).toEqual([]);
      for (const impl of r.impls.filter((i) => i.family === 'peer'))
        expect(row.cells[impl.id], `${row.id} × ${impl.id}`).toMatchObject({
          status: 'error',
          error: expect.stringMatching(/^no (ResNet-18|VGG-11)-CIFAR port/),
        });
    }
    expect(renderReport(r)).toContain('no ResNet-18-CIFAR port');
  });
});
