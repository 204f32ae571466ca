// The worker's yields: task turns through a message, one per 100 ms of training, never a clamped timer or a frame.
import { afterEach, expect, test, vi } from 'vitest';
import { nextTask, taskFrame, taskFrameCount } from './next-task.js';
import { YieldToEvents } from './training.js';

afterEach(() => {
  vi.restoreAllMocks();
});

test('YieldToEvents yields once per 100 ms of training, not per batch', async () => {
  let clock = 0;
  let yields = 0;
  const callback = new YieldToEvents({
    now: () => clock,
    yieldTask: async () => {
      yields++;
    },
  });
  // 300 batches of 7 ms: 2.1 s of training, a yield at the first batch end 100 ms or more after the last one.
  for (let batch = 0; batch < 300; batch++) {
    clock += 7;
    await callback.onBatchEnd();
  }
  expect(yields).toBe(Math.floor(2100 / 105)); // every 15th batch (105 ms)
});

test('the default yield is a message, never a timer', async () => {
  const timeouts = vi.spyOn(globalThis, 'setTimeout');
  const callback = new YieldToEvents({ everyMs: 0 });
  for (let batch = 0; batch < 20; batch++) await callback.onBatchEnd();
  expect(timeouts).not.toHaveBeenCalled();
});

test('nextTask resolves on a later task; taskFrame calls back there with the time', async () => {
  let resolved = false;
  const pending = nextTask().then(() => {
    resolved = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  expect(resolved).toBe(false); // not a microtask
  await pending;
  expect(resolved).toBe(true);
  const count = taskFrameCount();
  const time = await new Promise<number>((resolve) => taskFrame(resolve));
  expect(time).toBeGreaterThan(0);
  expect(taskFrameCount()).toBe(count + 1);
});

test("the worker's frames are task turns (imported before tfjs-core takes requestAnimationFrame)", async () => {
  const scope = globalThis as { requestAnimationFrame?: unknown };
  const before = scope.requestAnimationFrame;
  try {
    await import('../worker-frames.js');
    expect(scope.requestAnimationFrame).toBe(taskFrame);
  } finally {
    if (before === undefined) delete scope.requestAnimationFrame;
    else scope.requestAnimationFrame = before;
  }
});
