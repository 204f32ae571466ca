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
