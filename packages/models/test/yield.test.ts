import { describe, expect, it } from 'vitest';

// A page whose display never paints (a hidden tab): requestAnimationFrame never calls back. tfjs-core reads it once,
// when it loads, so it is set before anything imports tfjs (vitest gives each test file its own modules).
let frames = 0;
(globalThis as { requestAnimationFrame?: (f: () => void) => number }).requestAnimationFrame = () => ++frames;

describe('trainLesson yields to the event loop by a task, not by a display frame', () => {
  it('trains to the end where requestAnimationFrame never fires, yielding on the way', async () => {
    const { initWasm } = await import('@seqlab/wasm');
    const { createModel, trainLesson } = await import('../src/index.node.js');
    const { toyData } = await import('./_toy.js');
    expect(typeof requestAnimationFrame).toBe('function');
    await initWasm({ threads: 1 });
    const model = createModel('lstm', { numWords: 50, maxlen: 40, seed: 1 });
    const { x, y } = toyData(640, 3, 40);
    let yields = 0;
    let epochs = 0;
    // tfjs yields at most every 125 ms: train until at least two yields were due, then stop.
    const start = performance.now();
    await trainLesson({
      model,
      x,
      y,
      epochs: 50,
      batchSize: 64,
      callbacks: [
        { onYield: () => void yields++ },
        {
          onEpochEnd: () => {
            epochs++;
            if (performance.now() - start > 400) model.stopTraining = true;
          },
        },
      ],
    });
    expect(epochs).toBeGreaterThan(0);
    expect(yields).toBeGreaterThan(0);
    expect(frames).toBe(0);
    model.dispose();
  }, 60_000);
});
