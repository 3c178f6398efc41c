/**
 * @file Checks that every publishable package packs correctly:
 * 1. `pnpm pack` each library package (workspace: ranges become real versions);
 * 2. publint and "are the types wrong" on each tarball, and its size and files (`tarball-contents.mjs`:
 *    no test files, every source map's sources and every exports target in the tarball);
 * 3. install all tarballs into a scratch project outside the workspace and import each package's
 *    entry points from plain Node, checking the documented exports are there;
 * 4. install the core packages alone with plain npm, install scripts allowed: nothing may compile
 *    (`core-install.mjs`), and the time taken is printed.
 * Exits non-zero on the first problem, naming the package.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkCoreInstall } from './core-install.mjs';
import { checkTarball, unpackDir } from './tarball-contents.mjs';

const root = resolve(import.meta.dirname, '..');
const libs = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
const work = mkdtempSync(join(tmpdir(), 'tapenet-pack-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const bin = (name) => join(root, 'node_modules', '.bin', name);
// Under `npx pnpm test` the pnpm binary need not be on PATH: reuse the one running this script.
const pnpmCmd = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['pnpm'];
const pnpm = (args, cwd) => run(pnpmCmd[0], [...pnpmCmd.slice(1), ...args], cwd);

const packed = [];
for (const dir of libs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const out = pnpm(['pack', '--pack-destination', tarballs], dir).trim().split('\n').pop();
  const tgz = out.endsWith('.tgz')
    ? out
    : join(
        tarballs,
        readdirSync(tarballs).find((f) => f.includes(pkg.name.split('/')[1])),
      );
  try {
    run(bin('publint'), ['run', tgz, '--strict'], dir);
    run(bin('attw'), [tgz, '--profile', 'esm-only', '--format', 'table-flipped'], dir);
    console.log(`check-packs: ${pkg.name}: ${checkTarball(tgz, unpackDir(work, tgz))}`);
  } catch (e) {
    console.error(
      `check-packs: ${pkg.name} failed a packaging check:\n  ${e.stdout ?? ''}${e.stderr ?? ''}${e.stdout === undefined ? e.message : ''}`,
    );
    process.exit(1);
  }
  packed.push({
    name: pkg.name,
    tgz,
    subpaths: Object.keys(pkg.exports).filter((k) => !k.endsWith('.json')),
    peers: Object.entries(pkg.peerDependencies ?? {}).map(([n, range]) => `${n}@${range}`),
  });
  console.log(`check-packs: ${pkg.name} packed, publint and attw clean`);
}

const scratch = join(work, 'scratch');
mkdirSync(scratch);
writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
run(
  'npm',
  // Peer dependencies (e.g. fast-check for @tapenet/autodiff/testing) are installed as a user would.
  // Scripts are off here: @tapenet/backend-gpujs brings gpu.js, whose optional `gl` would compile for
  // minutes; step 4 installs the core with scripts on.
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    ...packed.map((p) => p.tgz),
    ...new Set(packed.flatMap((p) => p.peers)),
  ],
  scratch,
);
const imports = packed.flatMap((p) => p.subpaths.map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`)));
const probe = imports
  .map(
    (spec, i) =>
      `import * as m${i} from '${spec}';\nif (Object.keys(m${i}).length === 0) throw new Error('${spec} exports nothing');`,
  )
  .join('\n');
writeFileSync(join(scratch, 'probe.mjs'), `${probe}\nconsole.log('imported ${imports.length} entry points');\n`);
console.log(`check-packs: ${run('node', ['probe.mjs'], scratch).trim()} from a scratch project outside the workspace`);

const tarballOf = (name) => {
  const p = packed.find((x) => x.name === name);
  if (p === undefined) throw new Error(`check-packs: no tarball for core package ${name}`);
  return p.tgz;
};
try {
  console.log(`check-packs: ${checkCoreInstall(tarballOf, join(work, 'core'))}`);
} catch (e) {
  console.error(`check-packs: the core install failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
