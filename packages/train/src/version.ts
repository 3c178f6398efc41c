/** @file The version of @tapenet/train, read from its package.json (the same file in `src/` and `dist/`). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** This package's version, as recorded in checkpoints (`tapenet` metadata, field `version`). */
export function tapenetVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return cached;
}
