/**
 * Resolves on a later task of the event loop (a message the realm posts to itself), after the tasks already queued
 * — a Stop from the page, say. Unlike `setTimeout(0)` it is not clamped to 4 ms once timers nest (a training loop
 * runs inside the task of its last yield, so every yield is nested); unlike `requestAnimationFrame` it does not wait
 * for a display frame (up to 16.7 ms at 60 Hz, and none while the tab is hidden).
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

let frames = 0;

/** How many {@link taskFrame} callbacks were requested in this realm. */
export function taskFrameCount(): number {
  return frames;
}

/**
 * `requestAnimationFrame` for a realm that draws nothing: the callback runs on the next task (with the time then),
 * not at the next display frame. Returns 0: these frames cannot be cancelled.
 */
export function taskFrame(callback: (time: number) => void): number {
  frames++;
  nextTask().then(() => callback(performance.now()));
  return 0;
}
