// The heap kernels on the threaded tfjs binary's memory: shared (a cross-origin isolated page), imported by the
// module rather than exported, and kept by its Emscripten glue as `wasmMemory`. Without the shared build of the
// heap module every kernel that uses it (Embedding's gather, Conv1D's gradients, a max pooling's Equal) falls back
// to a stock path, up to 100× slower.
import { describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/kernels/_backend.js';
import { heapKernels } from '../src/kernels/_heap.js';

/** A backend with only what heapKernels reads: the plain and SIMD binaries' exported memory, or the threaded one's. */
function backendOn(memory: WebAssembly.Memory, shared: boolean): WasmBackend {
  return { wasm: shared ? { asm: {}, wasmMemory: memory } : { asm: { memory } } } as unknown as WasmBackend;
}

/** Deterministic floats with repeats, so that some comparisons are equal. */
function floats(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s % 7) - 3;
  });
}

const memories = {
  plain: () => new WebAssembly.Memory({ initial: 2 }),
  // As tfjs-backend-wasm-threaded-simd.js creates it.
  shared: () => new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true }),
};

describe.each(Object.keys(memories) as (keyof typeof memories)[])(
  'the heap kernels on a %s memory',
  (kind) => {
    const memory = memories[kind]();
    const shared = kind === 'shared';
    const heap = heapKernels(backendOn(memory, shared));

    it('instantiate on that memory', () => {
      expect(memory.buffer instanceof SharedArrayBuffer).toBe(shared);
      expect(heap).not.toBeNull();
    });

    it('compare a max reduction with its input in place (Equal, broadcast over the middle axis)', () => {
      const [outer, mid, inner] = [3, 5, 4];
      const a = floats(outer * mid * inner, 1);
      const b = floats(outer * inner, 2);
      const f32 = new Float32Array(memory.buffer);
      f32.set(a, 0);
      f32.set(b, 1024);
      const out = 8192;
      heap!.equalBroadcastMid(0, 1024 * 4, out, outer, mid, inner);
      const got = Array.from(new Uint8Array(memory.buffer, out, a.length));
      const expected = Array.from(a, (v, k) => {
        const o = Math.floor(k / (mid * inner));
        return v === b[o * inner + (k % inner)] ? 1 : 0;
      });
      expect(got).toEqual(expected);
      expect(expected).toContain(1);
      expect(expected).toContain(0);
    });

    it('gather embedding rows in place, refusing an id out of range', () => {
      const [rows, width] = [6, 8];
      const table = floats(rows * width, 3);
      const ids = Int32Array.from([5, 0, 3, 3, 1]);
      new Float32Array(memory.buffer).set(table, 0);
      new Int32Array(memory.buffer).set(ids, 512);
      const out = 4096;
      expect(heap!.gatherRows(0, rows, 512 * 4, ids.length, width * 4, out)).toBe(-1);
      const got = Array.from(new Float32Array(memory.buffer, out, ids.length * width));
      expect(got).toEqual(
        Array.from(ids).flatMap((id) => Array.from(table.subarray(id * width, (id + 1) * width))),
      );
      new Int32Array(memory.buffer).set([2, 6], 512);
      expect(heap!.gatherRows(0, rows, 512 * 4, 2, width * 4, out)).toBe(1);
    });
  },
);

it('without a memory to import, the stock kernels stay in charge (null)', () => {
  expect(heapKernels({ wasm: { asm: {} } } as unknown as WasmBackend)).toBeNull();
  expect(heapKernels({} as unknown as WasmBackend)).toBeNull();
});
