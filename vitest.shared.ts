/**
 * @file The one vitest configuration for the whole workspace. Every package's `vitest.config.ts`
 * re-exports it, so `pnpm test` inside a package and `pnpm vitest` at the root behave the same.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages export a `source` condition that points at `src/*.ts`, so tests run against the
// sources of their dependencies without a build step.
const conditions = ['source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    // Tests that do not pick a backend run on the readable reference backend (the spec), whatever the
    // library's default is; `TAPENET_BACKEND=wasm pnpm test` runs the same suites on another backend.
    env: { TAPENET_BACKEND: process.env.TAPENET_BACKEND ?? 'reference' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // gpu.js parses kernel source text, so coverage must not instrument it (v8 coverage does not).
    coverage: { provider: 'v8', reporter: ['text-summary'] },
    // The JSON report feeds scripts/test-summary.mjs (one closing line with the test counts).
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
