// The bench page: starts the worker the way the app does and hands its messages to the Playwright runner.
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const w = window as unknown as { benchRun: (job: unknown) => Promise<unknown>; benchProgress: string[] };
w.benchProgress = [];
w.benchRun = (job) =>
  new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ progress?: string; error?: string }>) => {
      if (event.data.progress !== undefined) w.benchProgress.push(event.data.progress);
      else if (event.data.error !== undefined) reject(new Error(event.data.error));
      else resolve(event.data);
    };
    worker.postMessage(job);
  });
