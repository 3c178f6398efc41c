/**
 * @file `pnpm --filter @tapenet/bench run results`: writes `RESULTS.md` from the newest committed snapshot in
 * `results/` (by the date recorded inside it). It runs no benchmark; to publish a new run, commit its
 * `results/latest.json` as `results/snapshot-<date>-<name>.json` first.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latestSnapshot, renderResultsMarkdown } from './report/markdown.js';
import type { BenchResult } from './run.js';

/** The app's folder (holding `results/` and `RESULTS.md`). */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The Markdown page for the newest snapshot under `dir/results`. */
export function resultsMarkdown(dir: string = BENCH_DIR): string {
  const files = readdirSync(join(dir, 'results')).filter((f) => /^snapshot-.*\.json$/.test(f));
  const snapshots = files.map((file) => ({
    file,
    result: JSON.parse(readFileSync(join(dir, 'results', file), 'utf8')) as BenchResult,
  }));
  const latest = latestSnapshot(snapshots);
  return renderResultsMarkdown(latest.result, `results/${latest.file}`);
}

/** Writes `RESULTS.md`; resolves to the exit code. */
export async function main(): Promise<number> {
  const file = join(BENCH_DIR, 'RESULTS.md');
  writeFileSync(file, resultsMarkdown());
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
