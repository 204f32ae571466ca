// Node: the tfjs wasm bundle reads its own .wasm files next to itself, from the installed npm package.
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HelperStart, HelperThread } from './_helper_thread.js';

export const platformName = 'node' as const;

export function defaultWasmPaths(): Record<string, string> | undefined {
  return undefined;
}

export function isCrossOriginIsolated(): boolean {
  return false;
}

/** tfjs-core's gradients and chained tensor methods, bundled at build time (scripts/bundle-tfjs-registrations.mjs). */
export async function registerTfjsGlobals(): Promise<void> {
  await import('./_generated/tfjs-registrations.node.js');
}

/**
 * Runs `start` and then removes the `process` handlers added while it ran. tfjs-backend-wasm's Emscripten glue adds
 * an `uncaughtException` and an `unhandledRejection` handler that rethrow, so any later error of the application
 * would exit with code 7 and a trace inside tfjs, and the application's own `unhandledRejection` handler would not
 * be the one that decides.
 */
export async function keepProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const exceptions = new Set(process.listeners('uncaughtException'));
  const rejections = new Set(process.listeners('unhandledRejection'));
  try {
    return await start();
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptions.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejections.has(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}

export type { HelperStart, HelperThread } from './_helper_thread.js';

/**
 * Starts a worker thread running `source` (a self-contained function's text) with `start`'s fields as arguments.
 * The thread does not keep the process alive (`unref`): a process that is done exits with it parked.
 */
export function startHelperThread(source: string, start: HelperStart): HelperThread {
  // A dynamic import works whether the eval'd code runs as CommonJS or as a module (--input-type=module is inherited).
  const worker = new Worker(
    `import('node:worker_threads').then(({ workerData: d }) =>\n(${source})(d.module, d.memory, d.control, d.names, d.slots));`,
    { eval: true, workerData: start },
  );
  worker.unref();
  let failure: string | null = null;
  // Kept for the caller's message; an 'error' event must not become an uncaught exception.
  worker.on('error', (error) => {
    failure = String(error);
  });
  return { terminate: () => worker.terminate().then(() => undefined), failure: () => failure };
}

/** Whether this thread may block in Atomics.wait (every Node thread may). */
export function canBlockThread(): boolean {
  return true;
}

/** Cores and the 1-minute load average, for the `'auto'` thread count. */
export function coreLoad(): { cores: number; load: number | null } {
  return { cores: availableParallelism(), load: loadavg()[0] ?? 0 };
}
