/** @file The README's example, run verbatim (the test checks that README.md holds exactly this code). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// README-EXAMPLE-START
import { createBackend } from './index.js';

const b = createBackend('reference');
const x = b.upload(new Float32Array([1, 2, 3, 4]), [2, 2]);
const y = b.kernels.softmax(x, 1);
const probs = b.read(y); // Float32Array [0.2689, 0.7311, 0.2689, 0.7311]
b.dispose(x);
b.dispose(y);
// README-EXAMPLE-END

it('runs the README example and the README holds this exact code', () => {
  const e = Math.exp(1);
  const expected = [1 / (1 + e), e / (1 + e), 1 / (1 + e), e / (1 + e)];
  expect(Array.from(probs).every((p, i) => Math.abs(p - expected[i]!) < 1e-6)).toBe(true);
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  const block = own
    .slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'))
    .replaceAll("'./index.js'", "'@tapenet/kernels'");
  expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(block);
});
