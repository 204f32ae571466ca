// Browser: the .wasm binaries are copied next to this file at build time; `new URL(…, import.meta.url)` with a
// literal path is what Vite, webpack 5 and Rollup recognise as an asset to bundle.
export const platformName = 'browser' as const;

export function defaultWasmPaths(): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('./wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(
      './wasm/tfjs-backend-wasm-threaded-simd.wasm',
      import.meta.url,
    ).href,
  };
}

export function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** tfjs-core's gradients and chained tensor methods; a bundler resolves tfjs' extensionless ESM imports. */
export async function registerTfjsGlobals(): Promise<void> {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
}

/** Browsers have no `process` handlers to keep: runs `start`. */
export function keepProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  return start();
}
