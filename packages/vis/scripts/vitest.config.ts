/**
 * @file A separate vitest configuration for the scripts that make the README's pictures (not part of
 * `pnpm test`): `pnpm exec vitest run -c scripts/vitest.config.ts`.
 */
import { defineConfig } from 'vitest/config';
import shared from '../../../vitest.shared.js';

export default defineConfig({
  ...shared,
  test: { ...shared.test, include: ['scripts/**/*.pictures.ts'], testTimeout: 1_800_000 },
});
