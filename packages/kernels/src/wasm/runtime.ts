/**
 * @file One wasm runtime: the compiled module, its memory and heap, the main thread's instance, the
 * buffers tensors live in, and the thread pool.
 *
 * Tensors live in wasm memory (`WasmBuffer`): a kernel call reads its inputs where they are, allocates its
 * outputs and its scratch from the heap, writes a job descriptor and runs the job. Scratch blocks are
 * returned to the heap when the next call begins; an output block when its tensor is released (`dispose`,
 * the end of an autodiff scope) or, failing that, when the garbage collector finds its buffer unreachable
 * (a FinalizationRegistry). Compilation is synchronous (`new WebAssembly.Module`), so creating a backend
 * is too.
 */
import { WASM_SHARED, WASM_SHARED_FMA, WASM_SINGLE, WASM_SINGLE_FMA } from './binary.generated.js';
import {
  CTL_BASE,
  CTL_CLAIM,
  CTL_DESC,
  CTL_ERROR,
  CTL_FINISHED,
  CTL_HELPED,
  CTL_TILES,
  D_KIND,
  D_SCRATCH,
  D_SCRATCH_BYTES,
  D_TILES,
} from './layout.js';
import { Heap, type HeapUsage, MAX_PAGES } from './heap.js';
import { ThreadPool } from './threads.js';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';

interface Exports {
  work(seq: number, thread: number): void;
  heapBase(): number;
}

/** base64 → bytes without Buffer or atob assumptions beyond the platform's `atob`/Buffer. */
export function decode(b64: string): Uint8Array {
  const buf = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (buf !== undefined) return new Uint8Array(buf.from(b64, 'base64'));
  const bin = (globalThis as unknown as { atob(s: string): string }).atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The four builds of the kernels: shared or ordinary memory, with or without relaxed-SIMD FMA. */
const BINARIES = {
  shared: WASM_SHARED,
  single: WASM_SINGLE,
  'shared-fma': WASM_SHARED_FMA,
  'single-fma': WASM_SINGLE_FMA,
} as const;
type Build = keyof typeof BINARIES;

const compiled: { [K in Build]?: WasmModule } = {};

/** The compiled module (cached per process). */
function moduleOf(build: Build): WasmModule {
  const mod = compiled[build] ?? new (wasmApi().Module)(decode(BINARIES[build]));
  compiled[build] = mod;
  return mod;
}

let fmaValid: boolean | undefined;

/**
 * Whether this engine runs the relaxed-SIMD builds (fused multiply-add in the GEMM micro-kernel):
 * current browsers and Node ≥ 22 do; Node 20 only with `--experimental-wasm-relaxed-simd`. Probed once
 * per process, so a V8 flag must be set before the first wasm backend is created.
 */
export function relaxedSimdAvailable(): boolean {
  if (fmaValid === undefined) {
    const api = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
    try {
      fmaValid = api?.validate(decode(WASM_SINGLE_FMA)) ?? false;
    } catch {
      fmaValid = false;
    }
  }
  return fmaValid;
}

/** Whether SharedArrayBuffer-backed wasm memory can be created and shared with workers here. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Tuning knobs; the defaults suit real workloads, tests shrink them to exercise tiling and threads. */
export interface RuntimeOptions {
  /** Total threads including the main one. */
  readonly threads: number;
  /** Estimated nanoseconds of work below which a job does not wake another thread. */
  readonly minParallelNs: number;
  /** Polls of the job slot before a worker sleeps. */
  readonly spin: number;
  /**
   * Which module to use: the shared-memory one (required for threads) or the single-thread one. Default:
   * shared wherever SharedArrayBuffer works (always in Node), else single.
   */
  readonly shared?: boolean;
  /** Use the relaxed-SIMD (fused multiply-add) build. Default: where the engine supports it. */
  readonly fma?: boolean;
  /** Address limit of the heap in bytes (default: all 4 GiB; tests lower it to reach the out-of-memory error). */
  readonly maxBytes?: number;
}

/**
 * A block of the backend's wasm memory holding one tensor's elements: its byte address and size. `ptr`
 * becomes -1 when the block is released; kernels then refuse the tensor instead of reading reused memory.
 */
export class WasmBuffer {
  /**
   * An ArrayBuffer of a quarter of the block's size, held while the block is: the garbage collector cannot
   * see wasm memory, and a loop that lets tensors go unreleased makes only small JS objects, so without it
   * the collector may not run before the 4 GiB are used up. The engine counts ArrayBuffer memory as
   * external memory and collects when that grows; large ones are never touched, so they cost address
   * space, not resident memory. Measured on 3,000 steps of a small loop that awaits between steps: 3.9 GiB
   * live without it; high-water 372 MiB with a sixteenth, 187 MiB with a quarter, 78 MiB with the full
   * size (but 10-25% slower). Dropped on release.
   * @internal
   */
  pressure: ArrayBuffer | undefined;

  constructor(
    /** Byte address in the backend's wasm memory; -1 once released. */
    public ptr: number,
    /** Bytes of the tensor's elements. */
    readonly bytes: number,
  ) {
    this.pressure = bytes > 0 ? new ArrayBuffer(Math.ceil(bytes / 4)) : undefined;
  }
}

/** Copies between JS and wasm memory, for tests that prove tensors stay resident. */
export interface CopyCounts {
  /** JS arrays copied into wasm memory (upload, and the results of kernels that run in JavaScript). */
  readonly copiesIn: number;
  /** Tensors copied out of wasm memory into JS arrays (read). */
  readonly copiesOut: number;
  /** Bytes copied in. */
  readonly bytesIn: number;
  /** Bytes copied out. */
  readonly bytesOut: number;
}

export class Runtime {
  readonly memory: WasmMemory;
  readonly threads: number;
  /** Whether the relaxed-SIMD (fused multiply-add) build runs. */
  readonly fma: boolean;
  private readonly exports: Exports;
  private readonly pool: ThreadPool | undefined;
  private readonly minParallelNs: number;
  private readonly blocks: Heap;
  /** Scratch blocks of the current kernel call, returned to the heap when the next call begins. */
  private readonly scratch: number[] = [];
  /** Returns the block of a buffer the garbage collector found unreachable. */
  private readonly finalizer: FinalizationRegistry<number>;
  private heap!: ArrayBufferLike;
  private i32!: Int32Array<ArrayBufferLike>;
  private destroyed = false;
  /** Number of the last job published (the high word of the claim word). */
  private seq = 0;
  /** Number of jobs run, and how many of them woke at least one worker (for tests and benchmarks). */
  readonly stats = { jobs: 0, parallelJobs: 0 };
  readonly copies = { copiesIn: 0, copiesOut: 0, bytesIn: 0, bytesOut: 0 };

  constructor(opts: RuntimeOptions) {
    const wantThreads = opts.threads > 1;
    const shared = opts.shared ?? (wantThreads || sharedMemoryAvailable());
    if (wantThreads && !(shared && sharedMemoryAvailable())) {
      throw new Error(
        'wasm backend: threads need SharedArrayBuffer (in browsers, a cross-origin-isolated page); use { threads: 1 }',
      );
    }
    const fma = opts.fma ?? relaxedSimdAvailable();
    if (fma && !relaxedSimdAvailable()) {
      throw new Error(
        'wasm backend: fma needs WebAssembly relaxed SIMD (Node ≥ 22, or Node 20 with --experimental-wasm-relaxed-simd; current browsers); use { fma: false }',
      );
    }
    this.fma = fma;
    const module = moduleOf(`${shared ? 'shared' : 'single'}${fma ? '-fma' : ''}`);
    const api = wasmApi();
    this.memory = new api.Memory({ initial: 1, maximum: MAX_PAGES, ...(shared ? { shared: true } : {}) });
    this.viewMemory();
    const instance = new api.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as Exports;
    this.blocks = new Heap(this.memory, align(this.exports.heapBase(), 64), () => this.viewMemory(), opts.maxBytes);
    this.finalizer = new FinalizationRegistry((p) => {
      if (!this.destroyed) this.blocks.release(p);
    });
    this.threads = opts.threads;
    this.minParallelNs = opts.minParallelNs;
    this.pool = wantThreads ? new ThreadPool(module, this.memory, opts.threads - 1, opts.spin) : undefined;
  }

  /** Workers that are started and listening (0 without a pool). */
  readyWorkers(): number {
    return this.pool?.ready() ?? 0;
  }

  /** Starts a kernel call: the scratch of the previous call goes back to the heap. */
  begin(): void {
    for (const p of this.scratch) this.blocks.release(p);
    this.scratch.length = 0;
  }

  /** Scratch for the current call: `bytes` bytes, 64-aligned, contents unspecified (callers write what they read). */
  alloc(bytes: number): number {
    const p = this.blocks.alloc(bytes);
    this.scratch.push(p);
    return p;
  }

  /** A new tensor buffer of `bytes` bytes (contents unspecified), released by `release` or the garbage collector. */
  output(bytes: number): WasmBuffer {
    if (bytes === 0) return new WasmBuffer(0, 0);
    const p = this.blocks.alloc(bytes);
    const b = new WasmBuffer(p, bytes);
    this.finalizer.register(b, p, b);
    return b;
  }

  /** Returns `b`'s block to the heap now; later use of `b` throws. Releasing twice does nothing. */
  release(b: WasmBuffer): void {
    if (b.ptr < 0) return;
    if (b.bytes > 0) {
      this.finalizer.unregister(b);
      this.blocks.release(b.ptr);
    }
    b.ptr = -1;
    b.pressure = undefined;
  }

  /** The address of a live buffer; `kernel` names the caller in the error for a released one. */
  addr(b: WasmBuffer, kernel: string): number {
    if (b.ptr < 0) {
      throw new Error(
        `wasm.${kernel}: an input tensor was released (by dispose or at the end of its scope) and cannot be used`,
      );
    }
    return b.ptr;
  }

  /** What the heap holds; live bytes and blocks are tensors' only, without the last call's scratch. */
  usage(): HeapUsage {
    const u = this.blocks.usage();
    const scratch = this.scratch.reduce((sum, p) => sum + this.blocks.sizeOf(p), 0);
    return { ...u, liveBytes: u.liveBytes - scratch, liveBlocks: u.liveBlocks - this.scratch.length };
  }

  /** The memory's current buffer (a new object after each growth). */
  get buffer(): ArrayBufferLike {
    return this.heap;
  }

  /** Tiles that workers (not the calling thread) have run since the backend was created. */
  get helperTiles(): number {
    return Atomics.load(this.heapI32(), (CTL_BASE >>> 2) + CTL_HELPED);
  }

  /** Bytes the memory holds now (grows only). */
  get memoryBytes(): number {
    return this.heap.byteLength;
  }

  /** Int32 view of the whole memory. */
  heapI32(): Int32Array<ArrayBufferLike> {
    return this.i32;
  }

  /**
   * Takes the memory's current buffer and an Int32 view of it. Only `alloc` grows the memory (the wasm
   * code never does), so this runs at construction and after each growth, not per access: reading
   * `memory.buffer` of a shared memory costs V8 a lookup each time.
   */
  private viewMemory(): void {
    this.heap = this.memory.buffer;
    this.i32 = new Int32Array(this.heap);
  }

  /** Copies `values` (a small table, e.g. broadcast offsets) into a scratch block and returns its address. */
  put(values: Float32Array | Int32Array): number {
    const p = this.alloc(values.length * 4);
    copyBytes(this.heap, p, values.buffer, values.byteOffset, values.byteLength);
    return p;
  }

  /** Copies a JS array into a new tensor buffer (counted in `copies`). */
  copyIn(values: Float32Array | Float64Array | Int32Array): WasmBuffer {
    const b = this.output(values.byteLength);
    if (values.byteLength > 0) copyBytes(this.heap, b.ptr, values.buffer, values.byteOffset, values.byteLength);
    this.copies.copiesIn++;
    this.copies.bytesIn += values.byteLength;
    return b;
  }

  /** Copies `bytes` bytes from address `src` to address `dst` within wasm memory (no JS copy). */
  move(dst: number, src: number, bytes: number): void {
    if (bytes > 0) new Uint8Array(this.heap).copyWithin(dst, src, src + bytes);
  }

  /** Copies `bytes` bytes at address `p` into a fresh ArrayBuffer (counted in `copies`). */
  copyOut(p: number, bytes: number): ArrayBuffer {
    const out = uninitialisedBuffer(bytes);
    if (bytes > 0) copyBytes(out, 0, this.heap, p, bytes);
    this.copies.copiesOut++;
    this.copies.bytesOut += bytes;
    return out;
  }

  /** A zeroed descriptor of `words` i32 slots; returns its address. */
  desc(words: number): number {
    const p = this.alloc(words * 4);
    this.heapI32().fill(0, p >>> 2, (p >>> 2) + words);
    return p;
  }

  /** Writes i32 slot `slot` of the descriptor at `d`. */
  set(d: number, slot: number, value: number): void {
    this.heapI32()[(d >>> 2) + slot] = value;
  }

  /**
   * Runs job `kind` (descriptor at `d`, its own slots already written) over `tiles` tiles. Each thread gets
   * `scratchBytes` of scratch. `costNs` estimates the job's single-thread time and decides how many threads
   * it is worth waking.
   */
  run(d: number, kind: number, tiles: number, scratchBytes: number, costNs: number): void {
    if (this.destroyed) throw new Error('wasm backend: used after destroy()');
    if (tiles <= 0) return;
    const useful = Math.min(this.threads, tiles, Math.max(1, Math.floor(costNs / this.minParallelNs)));
    const per = align(scratchBytes, 64);
    // Every thread index may be picked (a worker that is not ready yet is skipped for the next one).
    const scratch = this.alloc(per * (useful > 1 ? this.threads : 1));
    this.set(d, D_KIND, kind);
    this.set(d, D_TILES, tiles);
    this.set(d, D_SCRATCH, scratch);
    this.set(d, D_SCRATCH_BYTES, per);
    this.stats.jobs++;
    const seq = this.publish(d, tiles);
    if (this.pool === undefined || useful <= 1) {
      this.exports.work(seq, 0);
      return;
    }
    this.stats.parallelJobs++;
    this.pool.run(this.exports.work, seq, useful - 1, tiles);
  }

  /**
   * Makes the job at `d` (of `tiles` tiles) the current one and returns its number. Order matters: first
   * the claim word's high half (the new number, so late workers of earlier jobs can claim nothing from
   * here on), then the descriptor, tile count and counters, and last the low half (tile 0).
   */
  private publish(d: number, tiles: number): number {
    this.seq = (this.seq + 1) & 0x7fffffff;
    const c = this.heapI32();
    const base = CTL_BASE >>> 2;
    Atomics.store(c, base + CTL_CLAIM + 1, this.seq);
    Atomics.store(c, base + CTL_DESC, d);
    Atomics.store(c, base + CTL_TILES, tiles);
    Atomics.store(c, base + CTL_FINISHED, 0);
    Atomics.store(c, base + CTL_ERROR, 0);
    Atomics.store(c, base + CTL_CLAIM, 0);
    return this.seq;
  }

  /** Stops the workers; later jobs throw. */
  destroy(): void {
    this.destroyed = true;
    this.pool?.destroy();
  }
}

type BufferApi = { allocUnsafeSlow(bytes: number): Uint8Array };

/**
 * A fresh ArrayBuffer of `bytes` bytes whose contents are unspecified: callers overwrite every byte. In
 * Node it comes from `Buffer.allocUnsafeSlow` (malloc: memory the process already has), elsewhere from
 * `new ArrayBuffer` (zeroed). Measured on this VM, a zeroed 4 MB buffer filled by a copy out of wasm memory
 * costs 0.90 ms against 0.58 ms unzeroed: large zeroed buffers are fresh pages from the OS, and every page
 * faults on its first write.
 */
export function uninitialisedBuffer(bytes: number): ArrayBuffer {
  const api = (globalThis as { Buffer?: BufferApi }).Buffer;
  if (api !== undefined && bytes > 0) {
    const b = api.allocUnsafeSlow(bytes);
    // allocUnsafeSlow never pools, so the Buffer spans its own ArrayBuffer exactly; checked all the same.
    if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && b.buffer.byteLength === bytes) return b.buffer;
  }
  return new ArrayBuffer(bytes);
}

/**
 * Copies `bytes` bytes between two buffers (either may be the shared wasm memory). Copies to or from a
 * SharedArrayBuffer go element by element in V8 (relaxed atomic copies), so wider elements are faster:
 * measured on 4 MB out of the shared memory, Float64Array views take about half the time of Float32Array
 * ones. Same-type typed-array copies are byte copies by the language spec, so the bits (NaN payloads
 * too) are kept. The 8-byte-aligned bulk goes as float64, the rest as bytes.
 */
export function copyBytes(
  dst: ArrayBufferLike,
  dstOffset: number,
  src: ArrayBufferLike,
  srcOffset: number,
  bytes: number,
): void {
  const wide = (dstOffset | srcOffset) % 8 === 0 ? bytes >>> 3 : 0;
  if (wide > 0) new Float64Array(dst, dstOffset, wide).set(new Float64Array(src, srcOffset, wide));
  const done = wide * 8;
  if (done < bytes) {
    new Uint8Array(dst, dstOffset + done, bytes - done).set(new Uint8Array(src, srcOffset + done, bytes - done));
  }
}

/** `n` rounded up to a multiple of `a` (a power of two). */
export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
