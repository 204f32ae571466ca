// Imported first by worker.ts, before tfjs-core takes `requestAnimationFrame` for its `nextFrame`: tfjs' fit loop
// yields through it every 125 ms, and in a worker it waits for the page's next display frame (up to 16.7 ms at
// 60 Hz, none while the tab is hidden, so training would stall in a background tab). The training worker draws
// nothing: its frames are task turns (lib/next-task.ts).
import { taskFrame } from './lib/next-task.js';

(globalThis as { requestAnimationFrame?: typeof taskFrame }).requestAnimationFrame = taskFrame;
