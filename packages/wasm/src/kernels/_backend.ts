import type { backend_util, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmKernelError } from './errors.js';

/** The part of tfjs-backend-wasm's `BackendWasm` that seqlab's kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A view on the wasm heap: valid until the next allocation, which may grow (and move) the heap. */
  typedArrayFromHeap(info: TensorInfo): backend_util.TypedArray;
  readSync(dataId: object): backend_util.BackendValues;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
  dataIdMap: {
    get(dataId: object): { stringBytes?: Uint8Array[] | undefined; memoryOffset?: number } | undefined;
  };
  /**
   * The Emscripten module: `asm.memory` is the memory the plain and SIMD binaries export; the threaded binary imports
   * its shared memory, which the glue keeps as `wasmMemory`.
   */
  wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown };
}

/** Elements of a tensor: a heap view for numbers and booleans, the encoded strings for `string`. */
export type Elements = backend_util.TypedArray | Uint8Array[];

export function asWasmBackend(backend: unknown): WasmBackend {
  return backend as WasmBackend;
}

/** Reads a tensor's elements without copying the heap (strings live outside the heap). */
export function elementsOf(backend: WasmBackend, info: TensorInfo): Elements {
  if (info.dtype === 'string') return backend.readSync(info.dataId) as Uint8Array[];
  return backend.typedArrayFromHeap(info);
}

/**
 * Where to write an output's elements: a heap view, or for `string` a new array stored as the output's strings.
 * Take views only after the last allocation of a kernel step: an allocation can grow (and move) the heap.
 */
export function outputElements(backend: WasmBackend, out: TensorInfo, size: number): Elements {
  if (out.dtype !== 'string') return backend.typedArrayFromHeap(out);
  const strings: Uint8Array[] = new Array(size);
  const data = backend.dataIdMap.get(out.dataId);
  if (data !== undefined) data.stringBytes = strings;
  return strings;
}

export function assertNotComplex(kernel: string, ...infos: TensorInfo[]): void {
  for (const info of infos) {
    if (info.dtype === 'complex64') {
      throw new WasmKernelError(
        'UNSUPPORTED_DTYPE',
        `${kernel} on wasm: expected real (float32, int32 or bool) inputs, got a complex64 tensor of shape ` +
          `[${info.shape.join(', ')}].`,
      );
    }
  }
}
