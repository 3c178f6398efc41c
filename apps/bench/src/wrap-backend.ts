/**
 * @file One way to watch a backend: `wrapBackend(b, around)` returns a Backend that forwards to `b` and
 * runs every kernel call, upload and read through `around(name, args, call)`. `name` is the kernel's name
 * (`upload`, `read` for those two); `call()` does the real work. The profiler and the step deadline are
 * both built on it.
 */
import type { Backend, Kernels } from '@tapenet/kernels';

export type Around = <R>(name: string, args: readonly unknown[], call: () => R) => R;

export function wrapBackend(b: Backend, around: Around): Backend {
  const wrapped = new Map<PropertyKey, unknown>();
  const kernels = new Proxy(b.kernels, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (w === undefined) {
        const fn = v as (...args: unknown[]) => unknown;
        w = (...args: unknown[]): unknown => around(String(prop), args, () => fn.apply(target, args));
        wrapped.set(prop, w);
      }
      return w;
    },
  }) as Kernels<unknown>;
  return {
    name: b.name,
    mode: b.mode,
    upload: (v, s) => around('upload', [v, s], () => b.upload(v, s)),
    read: (x) => around('read', [x], () => b.read(x)),
    dispose: (x) => b.dispose(x),
    kernels,
  };
}
