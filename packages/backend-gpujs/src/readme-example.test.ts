/** @file The README's example, run as written (the README block must match the lines between the markers). */
import { readFileSync } from 'node:fs';
import { matmul, setBackend, tensor } from '@tapenet/autodiff';
import { afterAll, describe, expect, it } from 'vitest';
import { createGpujsBackend } from './index.js';

const before = setBackend('reference');
afterAll(() => setBackend(before));

describe('README example', () => {
  it('runs autodiff ops and raw kernels on the gpujs backend it passes explicitly', () => {
    // README:begin
    const gpu = createGpujsBackend({ mode: 'cpu' }); // 'gpu': the best mode here; 'webgl2' in a browser
    setBackend(gpu);
    const y = matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]

    const x = gpu.upload(new Float32Array([1, 2, 3, 4]), [2, 2]);
    const p = gpu.read(gpu.kernels.softmax(x, 1)); // Float32Array [0.2689, 0.7311, 0.2689, 0.7311]
    gpu.destroy(); // frees every compiled kernel and texture
    // README:end
    expect(y).toEqual([[11]]);
    expect(p).toBeInstanceOf(Float32Array);
    for (const [i, v] of [0.2689, 0.7311, 0.2689, 0.7311].entries()) expect(p[i]).toBeCloseTo(v, 4);
    expect(gpu.mode).toBe('cpu');
  });

  it('is the code shown in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const block = source.split('// README:begin\n')[1]!.split('    // README:end')[0]!;
    const shown = block
      .split('\n')
      .map((l) => l.replace(/^ {4}/, ''))
      .join('\n');
    expect(readme).toContain(shown.trim());
  });
});
