// Browser: the .wasm binaries are tfjs-backend-wasm's own; the application's bundler serves them and passes their
// URLs as `wasmPaths` (a Vite app: `import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'`).
// Without them tfjs looks next to the script that loaded it.
import type { HelperStart, HelperThread } from './_helper_thread.js';

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

export type { HelperStart, HelperThread } from './_helper_thread.js';

/**
 * Starts a Worker (nested in the training worker) running `source` (a self-contained function's text) from a blob:
 * URL; `start` goes to it in one message (a module and a shared memory can be posted in a cross-origin isolated
 * page).
 */
export function startHelperThread(source: string, start: HelperStart): HelperThread {
  const text =
    'self.onmessage = (e) => { self.onmessage = null; const d = e.data; ' +
    `(${source})(d.module, d.memory, d.control, d.names, d.slots); };`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  let failure: string | null = null;
  worker.onerror = (event) => {
    failure = event.message;
  };
  worker.postMessage(start);
  return {
    terminate: async () => {
      worker.terminate();
    },
    failure: () => failure,
  };
}

/** Whether this thread may block in Atomics.wait: a worker may, a page's main thread may not. */
export function canBlockThread(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown }).WorkerGlobalScope;
  return typeof scope === 'function' && globalThis instanceof scope;
}

/** Cores (`navigator.hardwareConcurrency`); a page cannot read the load average. */
export function coreLoad(): { cores: number; load: number | null } {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return { cores: typeof n === 'number' && n > 0 ? n : 1, load: null };
}
