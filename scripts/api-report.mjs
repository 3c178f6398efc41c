/**
 * @file Public API reports: for every entry point in each publishable package's exports map, API Extractor
 * reads the built `.d.ts` and writes `packages/<pkg>/etc/<entry>.api.md` (`--update`), or, by default, fails
 * with the difference when a committed report no longer matches the build, so a change to a public surface
 * shows up in review. Declarations tagged `@internal` are left out of the reports. Needs `pnpm build` first.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(import.meta.dirname, '..');
const update = process.argv.includes('--update');
const temp = mkdtempSync(join(tmpdir(), 'tapenet-api-'));
const failed = [];
let count = 0;
try {
  for (const name of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target !== 'object' || target.types === undefined) continue;
      const entry = subpath === '.' ? name : `${name}-${subpath.slice(2).replaceAll('/', '-')}`;
      mkdirSync(join(dir, 'etc'), { recursive: true });
      const config = ExtractorConfig.prepare({
        configObject: {
          projectFolder: dir,
          mainEntryPointFilePath: join(dir, target.types),
          compiler: { tsconfigFilePath: join(dir, 'tsconfig.build.json') },
          apiReport: {
            enabled: true,
            reportFileName: entry,
            // The public variant: declarations tagged @internal (or @alpha, @beta) are left out.
            reportVariants: ['public'],
            reportFolder: join(dir, 'etc'),
            reportTempFolder: join(temp, entry),
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            extractorMessageReporting: { default: { logLevel: 'none' } },
            compilerMessageReporting: { default: { logLevel: 'warning' } },
            tsdocMessageReporting: { default: { logLevel: 'none' } },
          },
        },
        configObjectFullPath: join(dir, 'api-extractor.json'),
        packageJsonFullPath: join(dir, 'package.json'),
      });
      const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
      count++;
      if (!result.succeeded || (!update && result.apiReportChanged)) failed.push(`${pkg.name} (${subpath})`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (failed.length > 0) {
  console.error(
    `api-report: the public API of ${failed.join(', ')} differs from its committed report (diff above).\n` +
      'If the change is meant, run `node scripts/api-report.mjs --update`, commit etc/*.api.md and add a changeset.',
  );
  process.exit(1);
}
console.log(`api-report: ${count} entry points ${update ? 'written to' : 'match'} packages/*/etc/*.api.md`);
