/**
 * @file The one typed adapter over gpu.js: creates, caches and runs kernels, checks after every run that
 * the requested mode really ran it (gpu.js can swap a kernel for a CPU one with only a console warning),
 * keeps data on the device in GL modes (pipeline textures), and counts live kernels and textures.
 *
 * Every kernel computes one float per element of a 1-D output of `size` elements; sizes and geometry come
 * in as `constants` (compiled into the kernel, so the cache key holds them) and loops are bounded by
 * constants with `loopMaxIterations` set from the real bound, never gpu.js's default.
 */
import {
  GPU,
  type IGPUKernelSettings,
  type IKernelFunctionThis,
  type IKernelRunShortcut,
  type KernelVariable,
  type Texture,
} from 'gpu.js';
import type { DType, KTensor, Shape } from '@tapenet/kernels';
import { sizeOf } from '@tapenet/kernels';
import { type GpujsRunMode, isGlMode, KERNEL_CLASS, ranAs } from './modes.js';
import { DEVICE_SOURCES, type DeviceFunction } from './sources.generated.js';

/** Storage of a gpujs tensor: a GL texture in GL modes, a Float32Array in 'cpu'/'webasm' (and when empty). */
export type GpujsData = Float32Array | Texture;
export type GTensor = KTensor<GpujsData>;

/**
 * A gpu.js kernel or helper, named by its function name: gpu.js gets its source text from
 * `sources.generated.ts` (strings survive bundlers and minifiers; see scripts/gpujs-sources.mjs).
 */
export type { DeviceFunction } from './sources.generated.js';

/** A scalar function spliced into a kernel under a fixed name (one template, a table of snippets). */
export interface Snippet {
  /** The name the kernel calls, e.g. `unaryOp`. */
  readonly as: string;
  /** Cache key part, e.g. the op name. */
  readonly key: string;
  readonly fn: DeviceFunction;
}

/** One kernel launch: which template, its op snippet, its compiled-in constants and output size. */
export interface Launch {
  /** The Backend kernel this serves, for error messages (e.g. `conv2d`). */
  readonly label: string;
  readonly kernel: DeviceFunction;
  readonly snippet?: Snippet;
  readonly constants: Readonly<Record<string, number>>;
  /** The largest trip count of any loop in the kernel. */
  readonly loopMax?: number;
  /** Number of output elements. */
  readonly size: number;
}

/** A launch before its output size is known (`Runtime.tensor` derives it from the shape). */
export type LaunchSpec = Omit<Launch, 'size'>;

/** A kernel argument: a backend tensor, a small host table, or a scalar passed at run time. */
export type Arg = GTensor | Float32Array | number;

/** Counters for leak tests. */
export interface GpujsStats {
  /** Compiled kernels held in the cache. */
  readonly kernels: number;
  /** Textures handed out by this backend and not yet disposed (GL modes; 0 otherwise). */
  readonly liveTextures: number;
  /** WebGL textures alive in the context, counted at `createTexture`/`deleteTexture` (GL modes). */
  readonly glTextures: number;
}

/** Float32 holds every integer up to 2^24 exactly; GL kernels index with floats, so no tensor may be larger. */
const MAX_EXACT_INDEX = 2 ** 24;

/** The part of a WebGL context the runtime touches. */
interface GlContext {
  createTexture(): unknown;
  deleteTexture(t: unknown): void;
  getParameter(p: number): unknown;
  readonly MAX_TEXTURE_SIZE: number;
}

function isTexture(x: unknown): x is Texture {
  return typeof x === 'object' && x !== null && 'toArray' in x && 'delete' in x;
}

/** Identity copy: how host values become a device texture in GL modes. */
export function copyKernel(this: IKernelFunctionThis, x: Float32Array): number {
  return x[this.thread.x]!;
}

/** Start-up probe: exact float32 arithmetic and readback (catches unsigned/half precision textures). */
export function probeKernel(this: IKernelFunctionThis, x: Float32Array): number {
  return x[this.thread.x]! * 2 + 0.25;
}

export class Runtime {
  readonly mode: GpujsRunMode;
  private readonly gpu: GPU;
  private readonly gl: boolean;
  private readonly helpers: readonly string[];
  private readonly cache = new Map<string, IKernelRunShortcut>();
  private readonly disposed = new WeakSet<object>();
  // Weak, so that counting never keeps a texture the page dropped from being garbage-collected.
  private readonly glLive = new WeakSet<object>();
  private glCount = 0;
  private liveTextures = 0;
  private maxSize = MAX_EXACT_INDEX;
  private dummy: GpujsData | null = null;
  private destroyed = false;
  private watching = false;

  /** Creates the gpu.js instance for `mode` (already checked available) and runs the start-up probe. */
  constructor(mode: GpujsRunMode, helpers: readonly DeviceFunction[]) {
    this.mode = mode;
    this.gl = isGlMode(mode);
    this.helpers = helpers.map((h) => DEVICE_SOURCES[h]);
    this.gpu = new GPU({ mode });
    const probe = new Float32Array([1.5, -2.25, 1048576]);
    const up = this.upload(probe);
    const out = this.run({ label: 'probe', kernel: 'probeKernel', constants: {}, size: 3 }, [
      { data: up, shape: [3], dtype: 'float32' },
    ]);
    const got = this.read(out, 3);
    this.release(up);
    this.release(out);
    if (got[0] !== 3.25 || got[1] !== -4.25 || got[2] !== 2097152.25) {
      throw new Error(`gpujs: mode '${mode}' does not compute in float32 (probe read [${got.join(', ')}])`);
    }
  }

  /** Runs one kernel launch over `args` and returns its output buffer (a fresh one on every call). */
  run(launch: Launch, args: readonly Arg[]): GpujsData {
    if (this.destroyed) throw new Error(`gpujs.${launch.label}: the backend was destroyed`);
    const { size, label } = launch;
    if (size === 0) return new Float32Array(0);
    if (this.gl && size > this.maxSize) {
      throw new Error(
        `gpujs.${label}: output of ${size} elements exceeds this device's limit of ${this.maxSize} ` +
          '(exact float32 indexing and MAX_TEXTURE_SIZE); split the batch into smaller ones',
      );
    }
    const values: KernelVariable[] = [];
    const lengths: number[] = [];
    for (const a of args) {
      if (typeof a === 'number') {
        values.push(a);
        lengths.push(-1);
      } else if (a instanceof Float32Array) {
        values.push(a.length === 0 ? new Float32Array(1) : a);
        lengths.push(a.length);
      } else {
        if (this.disposed.has(a.data)) throw new Error(`gpujs.${label}: an input was already disposed`);
        const n = sizeOf(a.shape);
        values.push(n === 0 ? this.dummyData() : a.data);
        lengths.push(n);
      }
    }
    const shortcut = this.kernelFor(launch, lengths);
    const out: unknown = shortcut(...values);
    const ran = ranAs(shortcut.kernel, this.mode);
    if (ran !== null) {
      const why = shortcut.kernel.fallbackReason ?? 'no reason given';
      throw new Error(
        `gpujs.${label}: gpu.js ran this kernel as ${ran}, not ${KERNEL_CLASS[this.mode]} (mode '${this.mode}'): ${why}`,
      );
    }
    if (out instanceof Float32Array) return out;
    if (isTexture(out)) {
      this.liveTextures++;
      return out;
    }
    throw new Error(`gpujs.${label}: unexpected kernel output ${Object.prototype.toString.call(out)}`);
  }

  /** Runs `launch` with one output element per element of `shape` and wraps the result as a tensor. */
  tensor(launch: LaunchSpec, args: readonly Arg[], shape: Shape, dtype: DType): GTensor {
    return { data: this.run({ ...launch, size: sizeOf(shape) }, args), shape: [...shape], dtype };
  }

  /** Host values into a buffer of this runtime: a copy (host modes) or a texture (GL modes). */
  upload(values: Float32Array): GpujsData {
    if (!this.gl || values.length === 0) return values.slice();
    return this.run({ label: 'upload', kernel: 'copyKernel', constants: {}, size: values.length }, [values]);
  }

  /** Copies `n` values of a buffer back to the host. */
  read(data: GpujsData, n: number): Float32Array {
    if (this.disposed.has(data)) throw new Error('gpujs.read: the tensor was already disposed');
    if (data instanceof Float32Array) return data.slice(0, n);
    const arr: unknown = data.toArray();
    if (!(arr instanceof Float32Array)) throw new Error('gpujs.read: a texture did not read back as a Float32Array');
    return arr.slice(0, n);
  }

  /** Releases a buffer (deletes its texture in GL modes); a second release is a no-op. */
  release(data: GpujsData): void {
    if (this.disposed.has(data) || data === this.dummy) return;
    this.disposed.add(data);
    if (!(data instanceof Float32Array)) {
      data.delete();
      this.liveTextures--;
    }
  }

  stats(): GpujsStats {
    return { kernels: this.cache.size, liveTextures: this.liveTextures, glTextures: this.glCount };
  }

  /** Destroys every kernel (and with them their textures) and the gpu.js instance. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const k of this.cache.values()) k.destroy();
    this.cache.clear();
    this.gpu.destroy().catch((e: unknown) => console.warn('gpujs: gpu.js destroy failed', e));
  }

  /** A one-element buffer standing in for empty inputs, which kernels never read (their loops run 0 times). */
  private dummyData(): GpujsData {
    this.dummy ??= this.upload(new Float32Array(1));
    return this.dummy;
  }

  private kernelFor(launch: Launch, lengths: readonly number[]): IKernelRunShortcut {
    const c = launch.constants;
    const consts = Object.keys(c)
      .map((k) => `${k}=${c[k]}`)
      .join(',');
    const key = `${launch.kernel}|${launch.snippet?.key ?? ''}|${launch.size}|${consts}|${lengths.join(',')}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const functions = [...this.helpers];
    if (launch.snippet !== undefined) {
      const { as, fn } = launch.snippet;
      // The snippet's own name becomes the fixed one its template calls (`function neg(` -> `function unaryOp(`).
      functions.push(DEVICE_SOURCES[fn].replace(`function ${fn}(`, `function ${as}(`));
    }
    // gpu.js reads loopMaxIterations from the settings and takes helpers as source strings
    // (Kernel.addFunction); its typings have neither.
    const settings: Omit<IGPUKernelSettings, 'functions'> & {
      readonly loopMaxIterations: number;
      readonly functions: string[];
    } = {
      output: [launch.size],
      constants: { ...c },
      loopMaxIterations: Math.max(1, launch.loopMax ?? 1),
      functions,
      precision: 'single',
      tactic: 'precision',
      pipeline: true,
      immutable: true,
    };
    const k = this.gpu.createKernel(DEVICE_SOURCES[launch.kernel], settings as unknown as IGPUKernelSettings);
    this.cache.set(key, k);
    if (this.gl && !this.watching) {
      this.watching = true;
      const context: GlContext = k.context;
      this.watchContext(context);
    }
    return k;
  }

  /** Called once the first GL kernel exists: counts live GL textures and reads MAX_TEXTURE_SIZE. */
  private watchContext(context: GlContext): void {
    const create = context.createTexture.bind(context);
    const remove = context.deleteTexture.bind(context);
    context.createTexture = () => {
      const t = create();
      if (typeof t === 'object' && t !== null && !this.glLive.has(t)) {
        this.glLive.add(t);
        this.glCount++;
      }
      return t;
    };
    context.deleteTexture = (t: unknown) => {
      if (typeof t === 'object' && t !== null && this.glLive.delete(t)) this.glCount--;
      remove(t);
    };
    const max = Number(context.getParameter(context.MAX_TEXTURE_SIZE));
    this.maxSize = Math.min(MAX_EXACT_INDEX, Math.floor(max / 2) ** 2);
  }
}
