import { threadedBinaryThreads } from '@seqlab/wasm';

// The rule is @seqlab/wasm's (initWasm applies it too): tfjs-backend-wasm 4.22's threaded binary computes with half
// the logical cores, at most 8, so a two-core machine gets one thread.
export { threadedBinaryThreads };

/**
 * Whether a page should start the threaded-SIMD binary: only where it is allowed (cross-origin isolated) and
 * computes with more than one thread. With one thread it has nothing to gain over the SIMD binary (the one Node
 * runs) and still pays for its shared memory: its glue re-checks the heap views on every access, and code that
 * imports the memory needs a shared build (apps/web/bench/epoch.mjs measures both).
 */
export function useThreadedBinary(crossOriginIsolated: boolean, hardwareConcurrency: number): boolean {
  return crossOriginIsolated && threadedBinaryThreads(hardwareConcurrency) > 1;
}
