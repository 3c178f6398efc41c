/**
 * @file No native build for the core: installs the packed core packages (kernels, autodiff, layers, optim,
 * zoo, vis) into a scratch project outside the workspace with plain `npm install`, install scripts allowed,
 * and fails when anything in the resulting node_modules would compile or run at install time (a
 * `binding.gyp`, `gypfile`, or a preinstall / install / postinstall script; `gl` and `gpu.js` must not be
 * there at all), when the packages do not import and compute, or when the install takes longer than
 * `LIMIT_S`. Called by `check-packs.mjs` with the tarballs it packed; prints the time taken.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The packages someone wants for autodiff on the CPU or in a browser (plus vis, which is cheap). */
export const CORE = [
  '@tapenet/kernels',
  '@tapenet/autodiff',
  '@tapenet/layers',
  '@tapenet/optim',
  '@tapenet/zoo',
  '@tapenet/vis',
];

/** An install above this fails the check (the goal is about a minute). */
const LIMIT_S = 300;

/** Packages that must not be installed at all: the native GL bindings and what brought them in. */
const FORBIDDEN = ['gl', 'gpu.js'];

/** Every installed package folder under `dir/node_modules`, nested ones included. */
export function installed(dir) {
  const nm = join(dir, 'node_modules');
  if (!existsSync(nm)) return [];
  const out = [];
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(join(nm, entry)).map((s) => join(nm, entry, s))
      : [join(nm, entry)];
    for (const d of dirs) {
      if (!existsSync(join(d, 'package.json'))) continue;
      out.push(d, ...installed(d));
    }
  }
  return out;
}

/** Why a package would build or run something at install time, or null. */
export function buildsOnInstall(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const why = [];
  if (existsSync(join(dir, 'binding.gyp')) || pkg.gypfile === true) why.push('a node-gyp build (binding.gyp)');
  for (const s of ['preinstall', 'install', 'postinstall']) {
    if (pkg.scripts?.[s] !== undefined) why.push(`${s}: ${pkg.scripts[s]}`);
  }
  return why.length === 0 ? null : `${pkg.name}@${pkg.version}: ${why.join('; ')}`;
}

/** What the scratch project runs: every core package imports, autodiff computes on reference and wasm. */
const PROBE = `
import * as kernels from '@tapenet/kernels';
import { grad, setBackend, square, sum, tensor } from '@tapenet/autodiff';
for (const spec of ${JSON.stringify(CORE)}) {
  if (Object.keys(await import(spec)).length === 0) throw new Error(spec + ' exports nothing');
}
const f = grad((x) => sum(square(x)));
setBackend('reference');
const g = f(tensor([1, 2, 3])).toArray().join(',');
const wasm = kernels.createBackend('wasm', { threads: 1 });
setBackend(wasm);
const h = f(tensor([1, 2, 3])).toArray().join(',');
wasm.destroy();
if (g !== '2,4,6' || h !== '2,4,6') throw new Error('grad of sum(x^2) at [1,2,3]: reference ' + g + ', wasm ' + h);
let refused = '';
try { kernels.createBackend('gpujs'); } catch (e) { refused = e.message; }
if (!refused.includes('@tapenet/backend-gpujs')) throw new Error("createBackend('gpujs') did not point at @tapenet/backend-gpujs: " + refused);
console.log('imported ${CORE.length} packages; grad on reference and wasm = [' + g + ']');
`;

/**
 * Installs the core tarballs (`tarballOf(name)` gives each path) into `scratch`, checks, and returns a
 * one-line report; throws naming the problem.
 */
export function checkCoreInstall(tarballOf, scratch) {
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'core-scratch', private: true, type: 'module' }));
  // A user's plain npm: none of the npm_config_* settings pnpm passes to scripts (ignore-scripts among
  // them), and install scripts explicitly allowed, so a package that wants to compile would.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
  const started = Date.now();
  execFileSync(
    'npm',
    ['install', '--ignore-scripts=false', '--no-audit', '--no-fund', '--loglevel=error', ...CORE.map(tarballOf)],
    { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  const seconds = (Date.now() - started) / 1000;
  const dirs = installed(scratch);
  const names = new Set(dirs.map((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name));
  const forbidden = FORBIDDEN.filter((n) => names.has(n));
  if (forbidden.length > 0) throw new Error(`the core install pulled in ${forbidden.join(' and ')}`);
  const builds = dirs.map(buildsOnInstall).filter((w) => w !== null);
  if (builds.length > 0) throw new Error(`packages that build or run scripts on install:\n  ${builds.join('\n  ')}`);
  if (seconds > LIMIT_S) throw new Error(`npm install took ${seconds.toFixed(0)} s (limit ${LIMIT_S} s)`);
  writeFileSync(join(scratch, 'probe.mjs'), PROBE);
  const probed = execFileSync('node', ['probe.mjs'], { cwd: scratch, encoding: 'utf8' }).trim();
  return `${CORE.length} core packages installed with plain npm in ${seconds.toFixed(1)} s (limit ${LIMIT_S} s), ${dirs.length} packages in node_modules, none builds or runs an install script; ${probed}`;
}
