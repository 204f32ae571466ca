import { FUSED_WASM_BASE64 } from '#fused-wasm';
import { FusedRnnError } from './errors.js';

type Fn = (...args: number[]) => void;

/** Exports of the AssemblyScript module (assembly/index.ts); every pointer is a byte address in `memory`. */
export interface FusedExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  rnnForward: Fn;
  rnnBackward: Fn;
  lstmForward: Fn;
  lstmBackward: Fn;
  gruForward: Fn;
  gruBackward: Fn;
  embedInput: Fn;
  maskInput: Fn;
  embedGrad: Fn;
}

let instance: FusedExports | undefined;
let pending: Promise<FusedExports> | undefined;

function bytes(): Uint8Array<ArrayBuffer> {
  const text = atob(FUSED_WASM_BASE64);
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
  pending ??= WebAssembly.instantiate(bytes(), {}).then((result) => {
    instance ??= result.instance.exports as unknown as FusedExports;
    return instance;
  });
  return pending.then(() => undefined);
}

/** The instantiated module; compiles it synchronously the first time if `loadFusedKernels` has not run. */
export function fusedExports(): FusedExports {
  if (instance !== undefined) return instance;
  try {
    const module = new WebAssembly.Module(bytes());
    instance = new WebAssembly.Instance(module, {}).exports as unknown as FusedExports;
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

/**
 * Places float32 buffers in the module's memory for one call: offsets (in floats) of 16-byte aligned buffers,
 * growing the memory once. Views must be taken after `place` (growing detaches earlier views).
 */
export function place<K extends string>(
  mod: FusedExports,
  sizes: Record<K, number>,
): { heap: Float32Array; at: Record<K, number> } {
  let next = Math.ceil(mod.heapBase() / 16) * 16;
  const at = {} as Record<K, number>;
  for (const key of Object.keys(sizes) as K[]) {
    at[key] = next >> 2;
    next += Math.ceil((sizes[key] * 4) / 16) * 16;
  }
  const have = mod.memory.buffer.byteLength;
  if (next > have) mod.memory.grow(Math.ceil((next - have) / 65536));
  return { heap: new Float32Array(mod.memory.buffer), at };
}

// Buffers that keep a forward's state for its backward, reused across calls: allocating fresh megabyte arrays
// every batch costs more than the copies themselves.
const pool = new Map<number, Float32Array[]>();
const POOL_DEPTH = 8;

/** A copy of heap[at, at + n) in a pooled buffer. */
export function keep(heap: Float32Array, at: number, n: number): Float32Array {
  const buffer = pool.get(n)?.pop() ?? new Float32Array(n);
  buffer.set(heap.subarray(at, at + n));
  return buffer;
}

/** Returns buffers from `keep` to the pool. */
export function release(...buffers: Float32Array[]): void {
  for (const buffer of buffers) {
    const list = pool.get(buffer.length) ?? [];
    pool.set(buffer.length, list);
    if (list.length < POOL_DEPTH) list.push(buffer);
  }
}
