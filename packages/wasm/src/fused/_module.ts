import { FUSED_SHARED_WASM_BASE64 } from '#fused-shared-wasm';
import { FUSED_WASM_BASE64 } from '#fused-wasm';
import { FusedRnnError } from './errors.js';

/**
 * The AssemblyScript module's (assembly/index.ts) memory and its first free byte; its kernels are called through
 * the typed bindings of `_bindings.ts` (`fusedKernels()`), never positionally.
 */
export interface FusedExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
}

let instance: FusedExports | undefined;
let pending: Promise<FusedExports> | undefined;
/** The compiled module and its memory when the instance is the shared-memory build (helper threads need both). */
let shared: { module: WebAssembly.Module; memory: WebAssembly.Memory } | null = null;

/** Pages of the shared memory at first and at most (scripts/build-fused.mjs builds the module with these limits). */
const SHARED_INITIAL_PAGES = 16;
const SHARED_MAXIMUM_PAGES = 65536;

/**
 * Whether this engine can share a WebAssembly memory between threads: Node, and browser pages that are cross-origin
 * isolated. There the module is the shared-memory build, so a kernel can be split over two threads at any time
 * (`setFusedThreads`) with the buffers where they are; elsewhere it is the plain build.
 */
function canShareMemory(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer === 'function' && isolated !== false && typeof Atomics === 'object';
}

/** The shared build's imports, or null where memory cannot be shared (or the engine refuses a 4 GiB maximum). */
function sharedImports(): { env: { memory: WebAssembly.Memory } } | null {
  if (!canShareMemory()) return null;
  try {
    const memory = new WebAssembly.Memory({
      initial: SHARED_INITIAL_PAGES,
      maximum: SHARED_MAXIMUM_PAGES,
      shared: true,
    });
    return { env: { memory } };
  } catch {
    return null;
  }
}

/** The module's exports with the memory it runs on (the imported one for the shared build). */
function exportsOf(result: WebAssembly.Instance, memory: WebAssembly.Memory | null): FusedExports {
  const exports = result.exports as unknown as FusedExports;
  return memory === null ? exports : { ...exports, memory };
}

/**
 * The compiled shared-memory module and its memory, for a helper thread to instantiate on the same memory; null
 * when the kernels run on the plain build (no shared memory here).
 */
export function sharedFusedModule(): { module: WebAssembly.Module; memory: WebAssembly.Memory } | null {
  fusedExports();
  return shared;
}

/** The module's bytes: the shared-memory build or the plain one. */
function bytes(sharedBuild: boolean): Uint8Array<ArrayBuffer> {
  const text = atob(sharedBuild ? FUSED_SHARED_WASM_BASE64 : FUSED_WASM_BASE64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Compiles and instantiates the fused recurrent kernels (WebAssembly SIMD, embedded in this package). `initWasm`
 * calls it; call it yourself before using the fused ops on the `cpu` backend in a browser's main thread, where
 * synchronous compilation of modules over 4 KB is not allowed.
 */
export function loadFusedKernels(): Promise<void> {
  pending ??= (async () => {
    const imports = sharedImports();
    const result = await WebAssembly.instantiate(bytes(imports !== null), imports ?? {});
    if (instance === undefined) {
      instance = exportsOf(result.instance, imports?.env.memory ?? null);
      if (imports !== null) shared = { module: result.module, memory: imports.env.memory };
    }
    return instance;
  })();
  return pending.then(() => undefined);
}

/** The instantiated module; compiles it synchronously the first time if `loadFusedKernels` has not run. */
export function fusedExports(): FusedExports {
  if (instance !== undefined) return instance;
  try {
    const imports = sharedImports();
    const module = new WebAssembly.Module(bytes(imports !== null));
    instance = exportsOf(new WebAssembly.Instance(module, imports ?? {}), imports?.env.memory ?? null);
    if (imports !== null) shared = { module, memory: imports.env.memory };
  } catch (cause) {
    throw new FusedRnnError(
      'NOT_INITIALIZED',
      'The fused recurrent kernels are not loaded: expected `await initWasm()` or `await loadFusedKernels()` ' +
        `before the first fused op, got a synchronous compilation that failed (${String(cause)}).`,
      { cause },
    );
  }
  return instance;
}

const ALIGN = 16;
const PAGE = 65536;
/** A 32-bit WebAssembly memory's limit. */
const MAX_BYTES = 2 ** 32;

/**
 * Blocks of the module's memory above its static data: first fit over a free list, growing the memory when no
 * free block fits. A forward's block lives until its backward (the saved activations stay where the kernel wrote
 * them); other blocks are returned with {@link Arena.releaseLater} and reused by the next call.
 */
class Arena {
  /** Free blocks [start, size) in bytes, by start. */
  private readonly free: { start: number; size: number }[] = [];
  private readonly later: { start: number; size: number }[] = [];
  /** Bytes in blocks kept for the module's own machinery (the helper thread's), not counted as in use. */
  private pinned = 0;
  private top: number;

  constructor(private readonly mod: FusedExports) {
    this.base = Math.ceil(mod.heapBase() / ALIGN) * ALIGN;
    this.top = this.base;
  }

  private readonly base: number;

  /**
   * A block of at least `bytes` bytes (16-byte aligned); releases the blocks given to `releaseLater` first, unless
   * `keepPending` (a kernel running on those blocks asks for more).
   */
  alloc(bytes: number, keepPending = false): { start: number; size: number } {
    if (!keepPending) this.flush();
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_BYTES) {
      throw new FusedRnnError(
        'INVALID_SHAPE',
        `The fused recurrent kernels need ${bytes} bytes for this call; expected at most ${MAX_BYTES} ` +
          '(a WebAssembly memory holds 4 GiB). Use a smaller batch, sequence or layer.',
      );
    }
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const i = this.free.findIndex((b) => b.size >= size);
    if (i >= 0) {
      const block = this.free[i]!;
      const start = block.start;
      if (block.size === size) this.free.splice(i, 1);
      else {
        block.start += size;
        block.size -= size;
      }
      return { start, size };
    }
    const start = this.top;
    const have = this.mod.memory.buffer.byteLength;
    if (start + size > have) {
      try {
        this.mod.memory.grow(Math.ceil((start + size - have) / PAGE));
      } catch (cause) {
        throw new FusedRnnError(
          'INVALID_SHAPE',
          `The fused recurrent kernels need ${size} more bytes of WebAssembly memory (${have} in use); expected ` +
            `the memory to grow, got ${String(cause)}. Use a smaller batch, sequence or layer.`,
          { cause },
        );
      }
    }
    this.top = start + size;
    return { start, size };
  }

  /** Returns the blocks given to `releaseLater` now. */
  flush(): void {
    for (const block of this.later.splice(0)) this.release(block);
  }

  /** The memory's size, and the bytes in blocks not returned (free blocks and the top excluded). */
  stats(): { memoryBytes: number; inUseBytes: number } {
    let free = 0;
    for (const block of this.free) free += block.size;
    for (const block of this.later) free += block.size;
    return {
      memoryBytes: this.mod.memory.buffer.byteLength,
      inUseBytes: this.top - this.base - free - this.pinned,
    };
  }

  /** A block for the helper thread (control block, scratch): not reported in `stats().inUseBytes`. */
  allocPinned(bytes: number): { start: number; size: number } {
    const block = this.alloc(bytes, true);
    this.pinned += block.size;
    return block;
  }

  /** Returns a block from {@link Arena.allocPinned}. */
  releasePinned(block: { start: number; size: number }): void {
    this.pinned -= block.size;
    this.release(block);
  }

  /** Returns a block now. */
  release(block: { start: number; size: number }): void {
    let i = this.free.findIndex((b) => b.start > block.start);
    if (i < 0) i = this.free.length;
    this.free.splice(i, 0, { ...block });
    // Merge with the next block, then with the previous one.
    const next = this.free[i + 1];
    const here = this.free[i]!;
    if (next !== undefined && here.start + here.size === next.start) {
      here.size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev !== undefined && prev.start + prev.size === here.start) {
      prev.size += here.size;
      this.free.splice(i, 1);
    }
    // A free block at the top gives its bytes back to the top.
    const last = this.free[this.free.length - 1];
    if (last !== undefined && last.start + last.size === this.top) {
      this.top = last.start;
      this.free.pop();
    }
  }

  /** Returns a block at the next `alloc`: its values stay readable until then. */
  releaseLater(block: { start: number; size: number }): void {
    this.later.push(block);
  }
}

const arenas = new WeakMap<FusedExports, Arena>();

/** The allocator of `mod`'s memory. */
export function arenaOf(mod: FusedExports): Arena {
  let arena = arenas.get(mod);
  if (arena === undefined) {
    arena = new Arena(mod);
    arenas.set(mod, arena);
  }
  return arena;
}

export type { Arena };

/**
 * Places float32 buffers in one block of the module's memory: offsets (in floats) of 16-byte aligned buffers.
 * Views must be taken after `place` (growing the memory detaches earlier views).
 */
export function place<K extends string>(
  mod: FusedExports,
  sizes: Record<K, number>,
): { heap: Float32Array; at: Record<K, number>; block: { start: number; size: number } } {
  let total = 0;
  for (const key of Object.keys(sizes) as K[]) total += Math.ceil((sizes[key] * 4) / ALIGN) * ALIGN;
  const block = arenaOf(mod).alloc(total);
  let next = block.start;
  const at = {} as Record<K, number>;
  for (const key of Object.keys(sizes) as K[]) {
    at[key] = next >> 2;
    next += Math.ceil((sizes[key] * 4) / ALIGN) * ALIGN;
  }
  return { heap: new Float32Array(mod.memory.buffer), at, block };
}
