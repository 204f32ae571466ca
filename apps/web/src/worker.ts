// The training worker: its own wasm runtime, the loaded imdb.npz or your own texts, and the lesson's training
// (lib/training.ts).
import './worker-frames.js'; // first: tfjs-core takes requestAnimationFrame when it loads
import { imdb, type TextSource } from '@seqlab/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { datasetFacts } from './lib/facts.js';
import { taskFrameCount } from './lib/next-task.js';
import { openOwnTexts, ownTextsReport } from './lib/own-texts.js';
import type { DataReport } from './lib/protocol.js';
import { trainRun } from './lib/training.js';
import { type ServerPort, serve } from './lib/worker-server.js';
import { startWasm } from './wasm-runtime.js';

let npz: Uint8Array | undefined;
let texts: TextSource | undefined;

async function report(bytes: Uint8Array, numWords: number, signal: AbortSignal): Promise<DataReport> {
  const [train, test] = await imdb.loadData({ path: bytes, numWords });
  signal.throwIfAborted();
  return {
    numWords,
    facts: datasetFacts(train, test),
    sample: { ids: train[0][0] ?? [], label: train[1][0] ?? 0 },
  };
}

function loaded(): Uint8Array {
  if (npz === undefined)
    throw Object.assign(new Error('no imdb.npz loaded yet; load the data first'), { code: 'NO_DATA' });
  return npz;
}

serve(self as unknown as ServerPort, {
  async init() {
    const info = await startWasm();
    // tfjs' nextFrame (its fit loop's yield) must go through this worker's task frames (worker-frames.ts): a
    // bundle that evaluated tfjs-core first would have kept the display's requestAnimationFrame.
    const before = taskFrameCount();
    await tf.nextFrame();
    return {
      frames: taskFrameCount() > before ? ('task' as const) : ('display' as const),
      backend: info.backend,
      simd: info.simd,
      threads: info.threads,
      threadedBinary: info.threadedBinary,
    };
  },
  // Each load reads into its own locals; only a load that finished uncancelled becomes the worker's data.
  async loadData({ bytes, numWords }, { signal }) {
    const view = new Uint8Array(bytes);
    const result = await report(view, numWords, signal);
    npz = view;
    return result;
  },
  facts: ({ numWords }, { signal }) => report(loaded(), numWords, signal),
  // As loadData: only texts that opened and were counted without error (and were not superseded) are kept.
  async openTexts({ spec, numWords, maxlen, unicode }, { signal }) {
    const source = await openOwnTexts(spec);
    signal.throwIfAborted();
    const result = await ownTextsReport(source, { numWords, maxlen, unicode, signal });
    signal.throwIfAborted();
    texts = source;
    return result;
  },
  async train({ config, checkpoint }, { signal, emit }) {
    let data: Uint8Array | TextSource;
    if (config.texts !== undefined) {
      if (texts === undefined)
        throw Object.assign(new Error('no texts opened yet; open a file or folder first'), {
          code: 'NO_DATA',
        });
      data = texts;
    } else data = loaded();
    const { result: _, ...outcome } = await trainRun(data, config, { checkpoint, signal, onEvent: emit });
    return outcome;
  },
});
