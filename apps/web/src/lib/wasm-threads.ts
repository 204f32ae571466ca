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
 * computes with more than one thread. With one thread it is only slower than the SIMD binary: every kernel pays
 * for the shared memory (heap views re-checked on each access, locked allocation), and Chromium ran the lesson's
 * models up to 1.4× slower on it than on the SIMD binary (apps/web/bench/epoch.mjs).
 */
export function useThreadedBinary(crossOriginIsolated: boolean, hardwareConcurrency: number): boolean {
  return crossOriginIsolated && threadedBinaryThreads(hardwareConcurrency) > 1;
}
