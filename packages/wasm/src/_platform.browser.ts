// Browser: the .wasm binaries are tfjs-backend-wasm's own; the application's bundler serves them and passes their
// URLs as `wasmPaths` (a Vite app: `import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'`).
// Without them tfjs looks next to the script that loaded it.
export const platformName = 'browser' as const;

export function defaultWasmPaths(): Record<string, string> | undefined {
  return undefined;
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
