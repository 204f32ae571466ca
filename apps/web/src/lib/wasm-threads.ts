/**
 * The threads tfjs-backend-wasm 4.22's threaded binary computes with when given `navigator.hardwareConcurrency`:
 * its `init_with_threads_count` (cc/backend.cc) caps XNNPACK's pool at half the logical cores (it assumes two
 * hyper-threads per core), and at 8. A two-core machine gets one thread.
 */
export function threadedBinaryThreads(hardwareConcurrency: number): number {
  return Math.max(1, Math.min(8, Math.floor(hardwareConcurrency / 2)));
}

/**
 * Whether a page should start the threaded-SIMD binary: only where it is allowed (cross-origin isolated) and
 * computes with more than one thread. With one thread it has nothing to gain over the SIMD binary (the one Node
 * runs) and still pays for its shared memory: its glue re-checks the heap views on every access, and code that
 * imports the memory needs a shared build (apps/web/bench/epoch.mjs measures both).
 */
export function useThreadedBinary(crossOriginIsolated: boolean, hardwareConcurrency: number): boolean {
  return crossOriginIsolated && threadedBinaryThreads(hardwareConcurrency) > 1;
}
