/**
 * @file `pnpm bench`: runs the benchmark, prints the report, writes `results/latest.json` and
 * `results/latest.svg`. Started by bin/bench.mjs (which loads the TypeScript sources through Vite).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.js';
import { renderSvg } from './report/svg.js';
import { renderReport } from './report/table.js';
import { runBench } from './run.js';

const RESULTS = fileURLToPath(new URL('../results', import.meta.url));

/** Runs with command-line `argv`; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(argv, RESULTS);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const result = await runBench({ ...opts, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`\n${renderReport(result)}\n`);
  if (opts.out !== null) {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(opts.out, 'latest.svg'), renderSvg(result));
    process.stdout.write(`\nWrote ${join(opts.out, 'latest.json')} and latest.svg\n`);
  }
  return 0;
}
