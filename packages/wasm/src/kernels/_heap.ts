import type { TensorInfo } from '@tensorflow/tfjs-core';
import { HEAP_SHARED_WASM_BASE64 } from '#heap-shared-wasm';
import { HEAP_WASM_BASE64 } from '#heap-wasm';
import type { WasmBackend } from './_backend.js';

/** Exports of assembly/heap/index.ts: byte addresses in tfjs-backend-wasm's memory. */
export interface HeapKernels {
  gatherRows(table: number, rows: number, ids: number, n: number, rowBytes: number, out: number): number;
  convFilterGrad(x: number, dy: number, dW64: number, dW: number, dims: number): void;
  equalBroadcastMid(a: number, b: number, out: number, outer: number, mid: number, inner: number): void;
  convInputGrad(dy: number, w: number, dx: number, dims: number): void;
  rmspropStep(
    g: number,
    w: number,
    ms: number,
    mom: number,
    outMs: number,
    outMom: number,
    outW: number,
    n: number,
    decay: number,
    oneMinusDecay: number,
    lr: number,
    momentum: number,
    eps: number,
  ): void;
}

const instances = new WeakMap<WebAssembly.Memory, HeapKernels | null>();

/** Whether `memory` is shared: the threaded tfjs binary's (a cross-origin isolated page). */
function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The heap kernels instantiated on the backend's own memory (a module of about 1 KB: compiling it synchronously is
 * allowed everywhere) — the build that imports a shared memory for the threaded binary, the plain one otherwise — or
 * null where that memory cannot be imported, so that callers take the stock kernels.
 */
export function heapKernels(backend: WasmBackend): HeapKernels | null {
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    try {
      const text = atob(isShared(memory) ? HEAP_SHARED_WASM_BASE64 : HEAP_WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernels = instance.exports as unknown as HeapKernels;
    } catch {
      kernels = null;
    }
    instances.set(memory, kernels);
  }
  return kernels;
}

/** A tensor's byte address in the backend's memory. */
export function addressOf(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset!;
}
