// The page: one state store, one worker client, and the panels that render from the store.
import { type AppContext, initialState } from './app.js';
import { initialLanguage } from './dom.js';
import { createStore } from './lib/state.js';
import { WorkerClient } from './lib/worker-client.js';
import { mountData } from './panels/data.js';
import { mountModels } from './panels/models.js';
import { mountProbe } from './panels/probe.js';
import { mountRuns } from './panels/runs.js';
import { mountRuntime } from './panels/runtime.js';
import { mountTexts } from './panels/texts.js';
import { mountTrain } from './panels/train.js';
import { startWasm } from './wasm-runtime.js';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const context: AppContext = {
  store: createStore(initialState(initialLanguage())),
  client: new WorkerClient(worker),
  pageReady: startWasm(),
};
context.pageReady.catch(() => undefined); // shown by the runtime panel

for (const mount of [mountRuntime, mountProbe, mountModels, mountData, mountTexts, mountTrain, mountRuns])
  mount(context);
worker.addEventListener('error', (event) =>
  context.store.set((s) => ({
    runtime: { ...s.runtime, error: { key: 'error.worker', params: { detail: event.message } } },
  })),
);
