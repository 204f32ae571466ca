// The bench page: starts the worker the way the app does; epoch.mjs calls it through `benchCall`, one request at a
// time.
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 0;
worker.onmessage = (event: MessageEvent<{ id: number; value?: unknown; error?: string }>) => {
  const waiting = pending.get(event.data.id);
  pending.delete(event.data.id);
  if (event.data.error !== undefined) waiting?.reject(new Error(event.data.error));
  else waiting?.resolve(event.data.value);
};
(window as unknown as { benchCall: (request: object) => Promise<unknown> }).benchCall = (request) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...request, id });
  });
