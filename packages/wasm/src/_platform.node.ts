// Node: the tfjs wasm bundle reads its own .wasm files next to itself, from the installed npm package.
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
