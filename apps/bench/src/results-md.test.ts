/** @file RESULTS.md is the rendering of the newest snapshot, and the renderer keeps what a reader needs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSnapshot } from './report/markdown.js';
import { BENCH_DIR, resultsMarkdown } from './results-md.js';

describe('RESULTS.md', () => {
  it('is up to date with the newest snapshot (regenerate: pnpm --filter @tapenet/bench run results)', () => {
    expect(readFileSync(join(BENCH_DIR, 'RESULTS.md'), 'utf8')).toBe(resultsMarkdown());
  });

  it('states date, machine and commit in its header and has one row per workload', () => {
    const md = resultsMarkdown();
    expect(md).toMatch(/^- \*\*Date\*\*: \d{4}-\d\d-\d\dT/m);
    expect(md).toMatch(/^- \*\*Machine\*\*: .+ cores/m);
    expect(md).toMatch(/^- \*\*Commit\*\*: \S+/m);
    expect(md).toMatch(/^\| matmul 1024x1024x1024 \| GFLOP\/s \| /m);
  });

  it('picks the snapshot with the latest recorded date, not the last file name', () => {
    const s = (file: string, date: string) => ({ file, result: { date } });
    const picked = latestSnapshot([
      s('snapshot-b.json', '2026-01-01T10:00:00Z'),
      s('snapshot-a.json', '2026-01-02T00:00:00Z'),
    ]);
    expect(picked.file).toBe('snapshot-a.json');
    expect(() => latestSnapshot([])).toThrow(/no results/);
  });
});
