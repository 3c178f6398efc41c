/**
 * @file The gpujs backend survives a bundler: @tapenet/backend-gpujs (with gpu.js and @tapenet/kernels) is bundled by esbuild
 * with minification on, as a web app's build would, and the conformance suite runs in mode 'cpu' against
 * the bundle. Minification renames every helper function and class, and rewrites `if` statements into
 * expressions gpu.js cannot translate; the backend hands gpu.js source strings (`sources.generated.ts`)
 * and checks kernel classes by identity, so none of that reaches a kernel. Also checks that the generated
 * sources match the typed kernels they come from.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { describeConformance } from '../../kernels/test/conformance.js';
import type { GpujsBackend, GpujsOptions } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tapenet-gpujs-bundle-'));
const file = join(out, 'backend-gpujs.min.mjs');
buildSync({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  outfile: file,
  // gpu.js's optional native `gl` (headlessgl mode) cannot be bundled; the CommonJS `require` gpu.js
  // calls for it needs a real one in an ES module.
  external: ['gl'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'error',
});
const bundled = (await import(file)) as { createGpujsBackend(o: GpujsOptions): GpujsBackend };
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('gpujs bundled by esbuild (minify)', () => {
  it('runs a kernel from the minified bundle', () => {
    const b = bundled.createGpujsBackend({ mode: 'cpu' });
    const x = b.upload(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect([...b.read(b.kernels.binary('add', x, x))]).toEqual([2, 4, 6, 8, 10, 12]);
    b.destroy();
  });

  it('src/sources.generated.ts matches the typed device functions', () => {
    // Exits 1 with the command to run when stale.
    execFileSync(process.execPath, [join(root, 'scripts/gpujs-sources.mjs'), '--check'], { stdio: 'pipe' });
  });
});

describeConformance('gpujs bundled (cpu)', () => bundled.createGpujsBackend({ mode: 'cpu' }), {
  numRuns: 5,
  mode: 'cpu',
  teardown: (b) => b.destroy(),
});
