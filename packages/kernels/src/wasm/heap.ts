/**
 * @file The allocator of the wasm backend's memory: tensors and each kernel call's scratch live here.
 *
 * Blocks come in size classes (multiples of 64 bytes up to 512, then eight classes per doubling, so a
 * block wastes at most 12.5%); a freed block goes on its class's free list and the next request of that
 * class takes it back. Training repeats the same shapes step after step, so after the first step every
 * request is served from a free list and the memory stops growing. Blocks are never split or merged: that
 * keeps alloc and free O(1) and the reuse exact, at the price of memory held by classes a run no longer
 * asks for. When the memory would pass its limit, a free block of a larger class (up to twice the size)
 * is taken, then free blocks at the top are given back to the never-used space, before giving up with
 * an error that says what is live.
 */

/** Bytes in one wasm page. */
export const PAGE = 65536;
/** 65536 pages: the 4 GiB a wasm32 memory can address. */
export const MAX_PAGES = 65536;

/** The size class of a request: the block size it gets (a multiple of 64). */
export function blockSize(bytes: number): number {
  const b = Math.max(64, Math.ceil(bytes));
  if (b <= 512) return Math.ceil(b / 64) * 64;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

/** The growable memory the heap carves up (a WebAssembly.Memory). */
export interface GrowableMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

/** What is held, for stats and error messages. */
export interface HeapUsage {
  /** Bytes in blocks handed out and not yet freed (rounded up to their size classes). */
  readonly liveBytes: number;
  /** Blocks handed out and not yet freed. */
  readonly liveBlocks: number;
  /** Bytes in blocks waiting on free lists. */
  readonly freeBytes: number;
  /** The highest address ever handed out, minus the heap's base: the most memory the heap has needed. */
  readonly highWaterBytes: number;
}

const MiB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;

export class Heap {
  /** Next never-used address. */
  private top: number;
  private readonly free = new Map<number, number[]>();
  /** Size of every live block, by address. */
  private readonly live = new Map<number, number>();
  private liveBytes = 0;
  private freeBytes = 0;

  /**
   * @param base first address the heap may use (above the module's static data), 64-aligned
   * @param onGrow called after the memory grew (views of the old buffer must be taken again)
   * @param maxBytes the address limit (the 4 GiB of wasm32; lower in tests of the out-of-memory error)
   */
  constructor(
    private readonly memory: GrowableMemory,
    private readonly base: number,
    private readonly onGrow: () => void,
    private readonly maxBytes = MAX_PAGES * PAGE,
  ) {
    this.top = base;
  }

  /** A block of at least `bytes` bytes, 64-aligned, with unspecified contents. */
  alloc(bytes: number): number {
    const size = blockSize(bytes);
    const p =
      this.reuse(size) ?? this.fresh(size) ?? this.larger(size) ?? (this.lowerTop() ? this.fresh(size) : undefined);
    if (p === undefined) throw new Error(this.outOfMemory(size));
    return p;
  }

  /** Returns the block at `p` to its free list. */
  release(p: number): void {
    const size = this.live.get(p);
    if (size === undefined) throw new Error(`wasm heap: release of ${p}, which is not a live block`);
    this.live.delete(p);
    this.liveBytes -= size;
    this.freeBytes += size;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    list.push(p);
  }

  /** The size of the live block at `p` (0 if there is none). */
  sizeOf(p: number): number {
    return this.live.get(p) ?? 0;
  }

  usage(): HeapUsage {
    return {
      liveBytes: this.liveBytes,
      liveBlocks: this.live.size,
      freeBytes: this.freeBytes,
      highWaterBytes: this.top - this.base,
    };
  }

  /** A block from the free list of `size`, if it has one. */
  private reuse(size: number): number | undefined {
    const p = this.free.get(size)?.pop();
    if (p === undefined) return undefined;
    this.freeBytes -= size;
    return this.take(p, size);
  }

  /** Marks the block at `p` live. */
  private take(p: number, size: number): number {
    this.live.set(p, size);
    this.liveBytes += size;
    return p;
  }

  /** A never-used block at the top, growing the memory; undefined when that would pass the limit. */
  private fresh(size: number): number | undefined {
    const end = this.top + size;
    if (end > this.maxBytes) return undefined;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        return undefined; // the engine refused to grow (its own limit, or the OS): reported as out of memory
      }
      this.onGrow();
    }
    const p = this.top;
    this.top = end;
    return this.take(p, size);
  }

  /** A free block of a larger class, up to twice `size` (used only when the memory is full). */
  private larger(size: number): number | undefined {
    let best: number | undefined;
    for (const [s, list] of this.free) {
      if (s > size && s <= 2 * size && list.length > 0 && (best === undefined || s < best)) best = s;
    }
    if (best === undefined) return undefined;
    this.freeBytes -= best;
    return this.take(this.free.get(best)!.pop()!, best);
  }

  /**
   * Takes the free blocks that end at the top off their lists and lowers the top below them (after a
   * phase of many small tensors was released, a large request can then use that space). Whether it did.
   */
  private lowerTop(): boolean {
    const byEnd = new Map<number, [number, number]>();
    for (const [size, list] of this.free) for (const p of list) byEnd.set(p + size, [p, size]);
    const taken = new Set<number>();
    for (let b = byEnd.get(this.top); b !== undefined; b = byEnd.get(this.top)) {
      taken.add(b[0]);
      this.freeBytes -= b[1];
      this.top = b[0];
    }
    if (taken.size === 0) return false;
    for (const [size, list] of this.free)
      this.free.set(
        size,
        list.filter((p) => !taken.has(p)),
      );
    return true;
  }

  private outOfMemory(size: number): string {
    return (
      `wasm backend: out of memory: asked for ${mib(size)} with ${mib(this.liveBytes)} live in ` +
      `${this.live.size} buffers and ${mib(this.freeBytes)} on free lists, of the ${mib(this.maxBytes)} wasm ` +
      'memory can hold. Lower the batch size, or run each step inside scope(...) from @tapenet/autodiff so ' +
      'that its intermediate tensors are released when it ends rather than when the garbage collector finds ' +
      'them (which a loop that never awaits does not allow).'
    );
  }
}
