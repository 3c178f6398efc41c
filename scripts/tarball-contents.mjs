/**
 * @file What a packed tarball holds, and whether it holds what it must: unpacks it, reports its size and files
 * (counted per top-level folder), and fails when it ships a test file, a source map whose sources are not in
 * the tarball, or an exports-map target that is not in the tarball. Called by `check-packs.mjs`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** Every file under `dir`, as posix paths relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split('\\').join('/')],
  );
}

/** Every string target of an exports map ("./dist/index.js"), conditions and subpaths included. */
function targets(exp) {
  if (typeof exp === 'string') return [exp];
  if (exp === null || typeof exp !== 'object') return [];
  return Object.values(exp).flatMap(targets);
}

/**
 * Unpacks `tgz` into `into` and checks it; returns a one-line report, throws listing every problem.
 */
export function checkTarball(tgz, into) {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', into]);
  const pkgDir = join(into, 'package');
  const files = walk(pkgDir);
  const have = new Set(files);
  const problems = [];
  for (const f of files) if (/\.test\./.test(posix.basename(f))) problems.push(`ships a test file: ${f}`);
  for (const f of files.filter((x) => x.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(pkgDir, f), 'utf8'));
    for (const s of map.sources ?? []) {
      const src = posix.normalize(posix.join(posix.dirname(f), map.sourceRoot ?? '', s));
      if (!have.has(src)) problems.push(`${f} maps to ${s}, not in the tarball`);
    }
  }
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const t of targets(pkg.exports)) {
    if (t.includes('*')) problems.push(`exports target ${t} is a pattern: list each file`);
    else if (!have.has(posix.normalize(t))) problems.push(`exports target ${t} is not in the tarball`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n  '));
  const unpacked = files.reduce((n, f) => n + statSync(join(pkgDir, f)).size, 0);
  const perFolder = {};
  for (const f of files) {
    const top = f.includes('/') ? `${f.split('/')[0]}/` : f;
    perFolder[top] = (perFolder[top] ?? 0) + 1;
  }
  const list = Object.entries(perFolder)
    .map(([k, n]) => (k.endsWith('/') ? `${k} ${n}` : k))
    .join(', ');
  const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
  return `${kB(statSync(tgz).size)} packed, ${kB(unpacked)} unpacked, ${files.length} files (${list}); no test files, every source map's sources and exports target present`;
}

/** Used by check-packs to name the unpack folder of each tarball. */
export const unpackDir = (work, tgz) => join(work, 'unpacked', posix.basename(tgz.split('\\').join('/'), '.tgz'));
