// How the page and the worker start tfjs: the SIMD binary, or the threaded-SIMD one where it computes with more
// than one thread (lib/wasm-threads.ts), with tfjs-backend-wasm's binaries as Vite assets (wasm-paths.ts).
import { initWasm, type WasmInfo } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { useThreadedBinary } from './lib/wasm-threads.js';
import { wasmPaths } from './wasm-paths.js';

/** What the page or the worker runs on, as the runtime panel shows it. */
export interface StartedWasm extends WasmInfo {
  /** Whether the threaded-SIMD binary runs (on a shared memory). */
  threadedBinary: boolean;
}

/** Starts tfjs on wasm in this realm (page or worker); calling it again returns the first call's result. */
export async function startWasm(): Promise<StartedWasm> {
  const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const threaded = useThreadedBinary(
    scope.crossOriginIsolated === true,
    scope.navigator?.hardwareConcurrency ?? 1,
  );
  // initWasm runs the SIMD binary where the threaded one would compute with one thread (the same rule).
  const info = await initWasm({ threads: threaded ? 'auto' : 1, wasmPaths });
  // What tfjs actually loaded.
  const threadedBinary =
    info.backend === 'wasm' && info.simd && tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT') === true;
  return { ...info, threadedBinary };
}
