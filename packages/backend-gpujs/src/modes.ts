/**
 * @file gpu.js modes: which ones exist, which kernel class each must run as, and why a mode cannot run
 * here (with what to install). Nothing in this backend ever falls back silently to another mode.
 */
import { CPUKernel, GPU, HeadlessGLKernel, WebAssemblyKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';

/** What a user may ask for: 'gpu' is the best mode available here, the others are exact requests. */
export type GpujsMode = 'gpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webgpu' | 'webasm' | 'cpu';
/** A mode that really runs (what `backend.mode` reports). */
export type GpujsRunMode = Exclude<GpujsMode, 'gpu'>;

export const GPUJS_MODES: readonly GpujsMode[] = ['gpu', 'webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm', 'cpu'];

/** The gpu.js kernel class that must execute every kernel of a mode (checked after every run). */
export const KERNEL_CLASS: { readonly [M in GpujsRunMode]: string } = {
  webgl2: 'WebGL2Kernel',
  webgl: 'WebGLKernel',
  headlessgl: 'HeadlessGLKernel',
  webgpu: 'WebGPUKernel',
  webasm: 'WebAssemblyKernel',
  cpu: 'CPUKernel',
};

/**
 * The classes behind `KERNEL_CLASS`, compared by identity: a minifier renames classes, so
 * `constructor.name` is no proof in a bundle. gpu.js's typings lack WebGPUKernel; that mode never runs here.
 */
const KERNEL_CTOR: { readonly [M in Exclude<GpujsRunMode, 'webgpu'>]: Function } = {
  webgl2: WebGL2Kernel,
  webgl: WebGLKernel,
  headlessgl: HeadlessGLKernel,
  webasm: WebAssemblyKernel,
  cpu: CPUKernel,
};

/** `null` when `kernel` is exactly `mode`'s kernel class, else the class it is (for the error). */
export function ranAs(kernel: object, mode: GpujsRunMode): string | null {
  const ctor = kernel.constructor;
  if (mode !== 'webgpu' && ctor === KERNEL_CTOR[mode]) return null;
  const named = Object.entries(KERNEL_CTOR).find(([, c]) => c === ctor);
  return named === undefined ? `an unexpected class (${ctor.name})` : KERNEL_CLASS[named[0] as GpujsRunMode];
}

/** Modes whose buffers are GL textures (data stays on the device between kernels). */
export function isGlMode(mode: GpujsRunMode): boolean {
  return mode === 'webgl' || mode === 'webgl2' || mode === 'headlessgl';
}

/** 'gpu' tries these in order, as gpu.js does, ending with the always-available 'cpu'. */
const BEST_FIRST: readonly GpujsRunMode[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** A minimal view of Node's `module` for loading the optional `gl` package without a static import. */
type NodeRequire = ((id: string) => unknown) & { resolve(id: string): string };
type NodeModuleApi = { createRequire(from: string): NodeRequire };

/** Why `gl` (headless-gl) cannot give gpu.js a context here, with what to install or run. */
function headlessGlReason(): string {
  const proc = typeof process === 'undefined' ? undefined : process;
  if (proc === undefined) return "mode 'headlessgl' runs in Node only; in a browser use 'webgl2'.";
  const mod = proc.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  let glLoaded = false;
  let loadError = 'it did not load';
  if (mod !== undefined) {
    try {
      // `gl` is gpu.js's optional dependency: resolve it from gpu.js's own location.
      const gpuEntry = mod.createRequire(import.meta.url).resolve('gpu.js');
      mod.createRequire(gpuEntry)('gl');
      glLoaded = true;
    } catch (e) {
      loadError = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    }
  }
  if (!glLoaded) {
    return (
      "mode 'headlessgl' needs gpu.js's optional native package `gl` built from source " +
      `(${loadError}). Install its build dependencies ` +
      '(Debian: apt-get install libxi-dev libglu1-mesa-dev libglew-dev pkg-config), allow its build ' +
      '(root package.json: pnpm.onlyBuiltDependencies includes "gl") and reinstall (pnpm install, or ' +
      'pnpm rebuild -r gl), then run under an X display.'
    );
  }
  const display = proc.env.DISPLAY;
  return (
    "mode 'headlessgl': the `gl` package is built but could not create a WebGL context " +
    (display ? `on DISPLAY=${display}` : '(no X display: DISPLAY is not set)') +
    '. Run under a virtual display: apt-get install xvfb xauth, then `xvfb-run -a <command>`.'
  );
}

/** `null` when `mode` can run here, otherwise the reason and what to install. */
export function unavailableReason(mode: GpujsRunMode): string | null {
  switch (mode) {
    case 'cpu':
      return null;
    case 'webasm':
      return GPU.isWebAssemblySupported ? null : "mode 'webasm' needs WebAssembly, which this runtime lacks.";
    case 'headlessgl':
      return GPU.isHeadlessGLSupported ? null : headlessGlReason();
    case 'webgl2':
      return GPU.isWebGL2Supported
        ? null
        : "mode 'webgl2' needs a browser WebGL2 context (a page or a worker with OffscreenCanvas); in Node use 'headlessgl'.";
    case 'webgl':
      return GPU.isWebGLSupported
        ? null
        : "mode 'webgl' needs a browser WebGL context (a page or a worker with OffscreenCanvas); in Node use 'headlessgl'.";
    case 'webgpu':
      return GPU.isWebGPUSupported
        ? "mode 'webgpu': gpu.js's WebGPU kernels return Promises, and the Backend interface is synchronous, " +
            "so this backend cannot drive them; use 'webgl2' (browser) or 'headlessgl' (Node)."
        : "mode 'webgpu' needs navigator.gpu: a browser with WebGPU, or in Node the `webgpu` package (Dawn), " +
            'whose Linux binary needs glibc >= 2.38; and even then see the note on Promises in the README.';
  }
}

/** A mode name from user input (e.g. `TAPENET_BACKEND=gpujs:cpu`), or an Error listing the valid ones. */
export function parseGpujsMode(name: string): GpujsMode {
  const mode = GPUJS_MODES.find((m) => m === name);
  if (mode === undefined) throw new Error(`gpujs: unknown mode '${name}'; one of ${GPUJS_MODES.join(', ')}`);
  return mode;
}

/** The mode that will really run for a request, or an Error saying why the request cannot run. */
export function resolveMode(requested: GpujsMode): GpujsRunMode {
  parseGpujsMode(requested);
  if (requested === 'gpu') {
    const best = BEST_FIRST.find((m) => unavailableReason(m) === null);
    return best ?? 'cpu';
  }
  const why = unavailableReason(requested);
  if (why !== null) throw new Error(`gpujs: ${why}`);
  return requested;
}
