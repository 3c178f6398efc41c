/**
 * @file Backend selection by name: the backends of this package are created by name, the gpujs backend
 * (its own package, so that installing kernels never builds native OpenGL bindings) is refused with an
 * error saying where it lives, and names that only exist on Object.prototype are unknown.
 */
import { describe, expect, it } from 'vitest';
import { backendNames, createBackend } from './select.js';

describe('createBackend', () => {
  it('creates reference by name; wasm and reference are the names it knows', () => {
    expect(createBackend('reference').name).toBe('reference');
    expect(backendNames()).toEqual(['reference', 'wasm']);
  });

  it("refuses 'gpujs', naming @tapenet/backend-gpujs and how to pass it", () => {
    expect(() => createBackend('gpujs')).toThrow(
      /createBackend\('gpujs'\): .*install @tapenet\/backend-gpujs .*setBackend\(createGpujsBackend\(\{ mode: 'cpu' \}\)\)/,
    );
  });

  it('refuses unknown names, Object.prototype members included, listing the available ones', () => {
    for (const name of ['cuda', 'toString', '__proto__', 'constructor']) {
      expect(() => createBackend(name)).toThrow(`unknown or unavailable backend '${name}'; available: reference, wasm`);
    }
  });
});
