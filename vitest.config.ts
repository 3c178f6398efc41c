/** @file Root entry: `pnpm vitest` runs every package's tests as one vitest project each. */
import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import shared from './vitest.shared.js';

const dirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(group, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${group}/${d.name}`),
);

export default defineConfig({
  ...shared,
  test: { projects: dirs.map((root) => ({ extends: true, test: { name: root, root } })) },
});
