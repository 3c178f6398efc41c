/**
 * @file `--backend`: each name makes a backend of that name active; gpujs comes from
 * @tapenet/backend-gpujs (kernels' createBackend has no gpujs), in its best mode here.
 */
import { getBackend, setBackend } from '@tapenet/autodiff';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from './backend.js';

const before = getBackend();
afterAll(() => setBackend(before));

describe('useBackend', () => {
  it('accepts wasm, reference and gpujs', () => {
    expect([...BACKENDS].sort()).toEqual(['gpujs', 'reference', 'wasm']);
  });

  it.each(BACKENDS)('%s becomes the active backend and reports its mode', (name) => {
    const used = useBackend(name, name === 'wasm' ? 1 : undefined);
    try {
      expect(getBackend().name).toBe(name);
      expect(used.mode).toBe(`${name} (${getBackend().mode})`);
    } finally {
      used.release();
    }
  });

  it("gpujs runs in gpu.js's best mode here (headless GL where gl and a display work, else WebAssembly)", () => {
    const used = useBackend('gpujs', undefined);
    used.release();
    expect(used.mode).toMatch(/^gpujs \((headlessgl|webasm)\)$/);
  });
});
