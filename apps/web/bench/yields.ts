// Counts the worker's yields to its event loop (requestAnimationFrame, setTimeout) and the milliseconds they wait.
// Imported first by worker.ts: tfjs-core picks its `nextFrame` (requestAnimationFrame where it exists) when it loads.
export interface Yields {
  frames: number;
  frameMs: number;
  timeouts: number;
  timeoutMs: number;
}

export const yields: Yields = { frames: 0, frameMs: 0, timeouts: 0, timeoutMs: 0 };

const scope = self as unknown as {
  requestAnimationFrame?: (callback: (time: number) => void) => number;
  setTimeout: (callback: () => void, ms?: number) => number;
};
const raf = scope.requestAnimationFrame?.bind(scope);
if (raf !== undefined) {
  scope.requestAnimationFrame = (callback) => {
    const t0 = performance.now();
    yields.frames++;
    return raf((time) => {
      yields.frameMs += performance.now() - t0;
      callback(time);
    });
  };
}
const timeout = scope.setTimeout.bind(scope);
scope.setTimeout = (callback, ms) => {
  const t0 = performance.now();
  yields.timeouts++;
  return timeout(() => {
    yields.timeoutMs += performance.now() - t0;
    callback();
  }, ms);
};
