/** @file Prints lines of TypeScript per package (a report in the spirit of tinygrad's sz.py, not a gate). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function count(dir, tests) {
  let n = 0;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) n += count(p, tests);
    else if (e.endsWith('.ts') && e.endsWith('.test.ts') === tests) n += readFileSync(p, 'utf8').split('\n').length;
  }
  return n;
}
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(group)) {
    const src = join(group, name, 'src');
    console.log(
      `${`${group}/${name}`.padEnd(20)} src ${String(count(src, false)).padStart(6)}  tests ${String(count(src, true)).padStart(6)}`,
    );
  }
}
