#!/usr/bin/env node
/**
 * @file Launcher for `pnpm bench`: loads `src/main.ts` through Vite's module runner with the workspace's
 * `source` export condition (as the tests do), so the benchmark always runs the current sources of every
 * @tapenet package without a build step. Third-party packages (tfjs, jax-js, convnetjs) load natively.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { createServer, createServerModuleRunner } from 'vite';

// As the tapenet CLI does: Node 20 runs WebAssembly relaxed SIMD only behind this flag (Node ≥ 22 has it
// on), so the wasm backend's default is its fused multiply-add build; the `/nofma` column runs the plain one.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const root = fileURLToPath(new URL('..', import.meta.url));
const conditions = ['source', 'module', 'node', 'import', 'default'];

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  clearScreen: false,
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
try {
  const entry = process.env.TAPENET_BENCH_ENTRY ?? '/src/main.ts';
  const mod = await runner.import(entry);
  process.exitCode = await mod.main(process.argv.slice(2));
} finally {
  await runner.close();
  await server.close();
}
